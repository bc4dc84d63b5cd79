//! Properties: parse/display round trip and write/read round trips of random arrays.

use infoscope_io::{ArraySource, read_array, read_labels, write_npy, write_npz_with};
use ndarray::{Array1, ArrayD, IxDyn};
use proptest::prelude::*;

fn shape_and_values() -> impl Strategy<Value = (Vec<usize>, Vec<f64>)> {
    prop::collection::vec(0_usize..4, 0..4).prop_flat_map(|shape| {
        let n = shape.iter().product::<usize>();
        (
            Just(shape),
            prop::collection::vec(prop::num::f64::ANY, n..=n),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn parse_then_display_is_identity(spec in "[a-zA-Z0-9:/._-]{0,24}") {
        prop_assert_eq!(ArraySource::parse(&spec).to_string(), spec);
    }

    #[test]
    fn npz_key_survives_parse(dir in "[a-z:]{0,6}", key in "[a-z_][a-z0-9_.]{0,8}") {
        let file = format!("{dir}/rec.npz");
        let s = ArraySource::parse(&format!("{file}:{key}"));
        prop_assert_eq!(s.path.to_str(), Some(file.as_str()));
        prop_assert_eq!(s.key, Some(key));
    }

    #[test]
    fn f64_arrays_round_trip_bit_for_bit((shape, values) in shape_and_values()) {
        let dir = tempfile::tempdir().unwrap();
        let x = ArrayD::from_shape_vec(IxDyn(&shape), values).unwrap();
        let path = dir.path().join("x.npy");
        write_npy(&path, &x).unwrap();
        let got = read_array(&ArraySource::new(&path)).unwrap().into_f64();
        prop_assert_eq!(got.shape(), x.shape());
        prop_assert!(got.iter().zip(&x).all(|(a, b)| a.to_bits() == b.to_bits()));
    }

    #[test]
    fn labels_round_trip_through_npz(labels in prop::collection::vec(any::<i64>(), 0..40)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.npz");
        let x = Array1::from(labels);
        write_npz_with(&path, |npz| {
            npz.add("labels", &x)?;
            npz.add("other", &x.mapv(|v| v as f64))
        }).unwrap();
        prop_assert_eq!(read_labels(&ArraySource::with_key(&path, "labels")).unwrap(), x);
    }
}
