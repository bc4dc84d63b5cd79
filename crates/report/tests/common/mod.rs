//! Checks shared by the report tests: SVG documents are well formed and their texts readable,
//! PNG and SVG sizes agree, and the files a report wrote.
#![allow(dead_code)]

use infoscope_report::Figure;

/// The text of an SVG's `<text>` elements, unescaped enough for the labels used here.
pub fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|rest| {
            let body = &rest[rest.find('>')? + 1..];
            Some(
                body[..body.find("</text>")?]
                    .trim()
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'"),
            )
        })
        .collect()
}

/// A well-formed SVG document: one root, every element closed in order, the embedded font
/// named, no non-finite coordinate.
pub fn assert_svg(figure: &Figure) {
    let svg = figure.svg.trim();
    assert!(
        svg.starts_with("<svg "),
        "{} does not start with <svg",
        figure.name
    );
    assert!(
        svg.ends_with("</svg>"),
        "{} does not end with </svg>",
        figure.name
    );
    assert_eq!(svg.matches("<svg").count(), 1, "{}", figure.name);
    assert_eq!(
        svg.matches("<text").count(),
        svg.matches("</text>").count(),
        "{}",
        figure.name
    );
    assert!(
        svg.contains("font-family=\"DejaVu Sans, sans-serif\""),
        "{}",
        figure.name
    );
    // Every element is closed, in order (text holds no unescaped "<").
    let mut open: Vec<&str> = vec![];
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let end = start
            + rest[start..]
                .find('>')
                .unwrap_or_else(|| panic!("{}: a tag is not closed", figure.name));
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                open.pop(),
                Some(name.trim()),
                "{}: </{name}> closes another element",
                figure.name
            );
        } else if !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().unwrap_or_default());
        }
    }
    assert!(open.is_empty(), "{}: {open:?} not closed", figure.name);
    // Text and embedded image data may contain anything; coordinates may not.
    let coordinates = |t: &&str| !["text", "/text", "image"].iter().any(|p| t.starts_with(p));
    for tag in svg.split('<').filter(coordinates) {
        assert!(
            !tag.contains("NaN") && !tag.contains("inf"),
            "{}: non-finite coordinate in <{tag}",
            figure.name
        );
    }
}

/// The files under `dir`, relative, sorted.
pub fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = vec![];
    for entry in walk(dir) {
        out.push(
            entry
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned(),
        );
    }
    out.sort();
    out
}

/// Every file under `dir`, recursively.
pub fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// `(width, height)` from a PNG's IHDR chunk.
pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    let word =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (word(16), word(20))
}

/// `(width, height)` from an SVG's root attributes.
pub fn svg_size(svg: &str) -> (u32, u32) {
    let attr = |name: &str| -> u32 {
        let start = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        svg[start..start + svg[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    (attr("width"), attr("height"))
}
