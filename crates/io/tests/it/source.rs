//! `ArraySource::parse` and its `Display`.

use infoscope_io::ArraySource;

fn parts(spec: &str) -> (String, Option<String>) {
    let s = ArraySource::parse(spec);
    (s.path.to_str().unwrap().to_owned(), s.key)
}

#[test]
fn npz_with_key_splits() {
    assert_eq!(
        parts("a.npz:hidden"),
        ("a.npz".into(), Some("hidden".into()))
    );
}

#[test]
fn plain_npy_is_the_path() {
    assert_eq!(parts("a.npy"), ("a.npy".into(), None));
    // Issue #16: a key on an .npy is kept, so that reading says `:KEY` is for .npz archives.
    assert_eq!(
        parts("a.npy:hidden"),
        ("a.npy".into(), Some("hidden".into()))
    );
}

#[test]
fn colons_in_directories_stay_in_the_path() {
    assert_eq!(
        parts("dir:with:colons/a.npy"),
        ("dir:with:colons/a.npy".into(), None)
    );
    assert_eq!(
        parts("dir:x/a.npz:k"),
        ("dir:x/a.npz".into(), Some("k".into()))
    );
}

#[test]
fn npz_without_key() {
    assert_eq!(parts("a.npz"), ("a.npz".into(), None));
}

#[test]
fn windows_drive_letter() {
    assert_eq!(parts("C:/x.npz:k"), ("C:/x.npz".into(), Some("k".into())));
    assert_eq!(parts("C:/x.npz"), ("C:/x.npz".into(), None));
    assert_eq!(parts("C:/x.npy"), ("C:/x.npy".into(), None));
}

#[test]
fn extension_is_case_insensitive() {
    assert_eq!(parts("A.NPZ:k"), ("A.NPZ".into(), Some("k".into())));
}

#[test]
fn empty_key_is_not_a_key() {
    assert_eq!(parts("a.npz:"), ("a.npz:".into(), None));
}

#[test]
fn split_at_the_last_colon_only() {
    assert_eq!(
        parts("a.npz:b.npz:k"),
        ("a.npz:b.npz".into(), Some("k".into()))
    );
    // The part before the last colon does not end in .npz: no key.
    assert_eq!(parts("a.npz:k:l"), ("a.npz:k:l".into(), None));
}

#[test]
fn display_is_path_colon_key() {
    assert_eq!(
        ArraySource::with_key("r/a.npz", "hidden").to_string(),
        "r/a.npz:hidden"
    );
    assert_eq!(ArraySource::new("r/a.npy").to_string(), "r/a.npy");
    let parsed: ArraySource = "x.npz:y".parse().unwrap();
    assert_eq!(parsed, ArraySource::with_key("x.npz", "y"));
}
