from __future__ import annotations

from fireline.simulate import Outbreak


def test_results_follow_samples_and_ct_only_for_positives(outbreak: Outbreak) -> None:
    samples = {s["id"]: s for s in outbreak.samples.to_pylist()}
    results = outbreak.lab_results.to_pylist()
    assert {r["outcome"] for r in results} == {"positive", "negative", "inconclusive"}
    for result in results:
        sample = samples[result["sample_id"]]
        assert result["resulted_at"] > sample["collected_at"]
        assert result["jurisdiction_code"] == sample["jurisdiction_code"]
        if result["outcome"] == "positive":
            assert 15.0 <= result["ct_value"] <= 35.0
        else:
            assert result["ct_value"] is None


def test_every_confirmed_case_has_a_positive_pcr(outbreak: Outbreak) -> None:
    positive_samples = {
        r["sample_id"] for r in outbreak.lab_results.to_pylist() if r["outcome"] == "positive"
    }
    positive_people = {
        s["person_id"] for s in outbreak.samples.to_pylist() if s["id"] in positive_samples
    }
    for case in outbreak.cases.to_pylist():
        if case["classification"] == "confirmed":
            assert case["person_id"] in positive_people


def test_barcodes_are_unique(outbreak: Outbreak) -> None:
    barcodes = outbreak.samples.column("barcode").to_pylist()
    assert len(set(barcodes)) == len(barcodes)
