//! Filter design equals SciPy's to 1e-9 (reference: tests/reference/filter_coefficients.json, made by
//! `python3 tests/reference/gen_filter_coefficients.py` with the SciPy version recorded in the file).

use innervate::dsp::design::{Band, butterworth, notch};
use serde_json::Value;

#[test]
fn butterworth_and_notch_sections_equal_scipy() {
    let text = include_str!("reference/filter_coefficients.json");
    let reference: Value = serde_json::from_str(text).unwrap();
    let cases = reference["cases"].as_array().unwrap();
    assert!(cases.len() >= 17);
    for case in cases {
        let fs = case["fs"].as_f64().unwrap();
        let expected: Vec<Vec<f64>> = serde_json::from_value(case["sos"].clone()).unwrap();
        let got: Vec<[f64; 6]> = match case["kind"].as_str().unwrap() {
            "butter" => {
                let order = case["order"].as_u64().unwrap() as usize;
                let wn = &case["wn"];
                let band = match case["btype"].as_str().unwrap() {
                    "lowpass" => Band::Lowpass(wn.as_f64().unwrap()),
                    "highpass" => Band::Highpass(wn.as_f64().unwrap()),
                    "bandpass" => Band::Bandpass(wn[0].as_f64().unwrap(), wn[1].as_f64().unwrap()),
                    "bandstop" => Band::Bandstop(wn[0].as_f64().unwrap(), wn[1].as_f64().unwrap()),
                    other => panic!("unknown btype {other}"),
                };
                butterworth(order, band, fs).unwrap()
            }
            "notch" => vec![
                notch(
                    case["f0"].as_f64().unwrap(),
                    case["q"].as_f64().unwrap(),
                    fs,
                )
                .unwrap(),
            ],
            other => panic!("unknown kind {other}"),
        };
        assert_eq!(got.len(), expected.len(), "{case}");
        for (s, (g, e)) in got.iter().zip(&expected).enumerate() {
            for k in 0..6 {
                assert!(
                    (g[k] - e[k]).abs() <= 1e-9,
                    "section {s} coef {k}: {} vs {} in {case}",
                    g[k],
                    e[k]
                );
            }
        }
    }
}
