import math
from pathlib import Path

from core.events import EventBus, ModelUnloaded, Timings, TurnFinished
from core.metrics import Histogram, Metrics, MetricsRecorder, load_snapshot, render


def test_percentiles_and_buckets() -> None:
    h = Histogram()
    assert math.isnan(h.percentile(95))
    for v in range(1, 101):
        h.observe(float(v))
    assert h.percentile(50) == 50 and h.percentile(95) == 95
    snap = h.snapshot()
    assert snap["count"] == 100 and snap["buckets"]["10"] == 10 and snap["buckets"]["+Inf"] == 0


def test_named_metrics_with_labels_and_the_seed_names() -> None:
    m = Metrics()
    for v in (120, 180, 900):
        m.observe("moe_judge_latency_ms", v)
    m.set("moe_judge_agreement_rate", 0.85)
    m.observe("llm_tokens_per_s", 40, model="a")
    m.observe("llm_tokens_per_s", 10, model="b")
    assert m.percentile("moe_judge_latency_ms", 95) == 900
    assert m.gauge("moe_judge_agreement_rate") == 0.85
    assert m.count("llm_tokens_per_s", model="a") == 1
    snap = m.snapshot()
    assert (
        'llm_tokens_per_s{model="a"}' in snap and snap["moe_judge_agreement_rate"]["value"] == 0.85
    )


def test_events_become_metrics_and_a_snapshot_for_doctor(tmp_path: Path) -> None:
    bus = EventBus(strict=True)
    m = Metrics()
    file = tmp_path / "metrics.json"
    MetricsRecorder(bus, m, snapshot_file=file)
    bus.publish(
        TurnFinished(
            turn_id=1,
            text="hi",
            model_used="phi",
            role="lightweight",
            timings=Timings(first_token_ms=150, total_ms=1150, tokens=21),
            fallback_reason="primary failed",
        )
    )
    bus.publish(ModelUnloaded(model_id="phi", role="lightweight", resident_s=42.0))
    assert m.percentile("llm_first_token_ms", 50, model="phi") == 150
    assert m.percentile("llm_tokens_per_s", 50, model="phi") == 20.0
    assert m.gauge("llm_fallbacks_total", role="lightweight") == 1
    saved = load_snapshot(file)
    assert saved['model_resident_sec{model="phi"}']["value"] == 42.0
    text = render(saved)
    assert 'llm_first_token_ms{model="phi"}: n=1, p50=150.0, p95=150.0' in text
    assert render({}).startswith("no metrics recorded yet")
