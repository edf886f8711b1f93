"""A CR as the runtime presents it to templates: the context the dialect tests render in."""

from __future__ import annotations

from typing import Any

CR: dict[str, Any] = {
    "metadata": {"name": "shop", "namespace": "team-a", "labels": {"tier": "web"}},
    "spec": {
        "replicas": "3",  # a numeric string, as a CR field often is
        "count": 3,
        "image": "nginx:1.25",
        "host": "",
        "tags": ["a", "b", "c"],
        "ports": {"http": 80, "admin": 9000},
        "ratio": 0.5,
        "big": 1000000.0,
        "flag": False,
        "nested": {"a": {"b": "deep"}},
        "empty": [],
        "nothing": None,
        "word": "héllo",
    },
    "children": {
        "deployment": {
            "spec": {"replicas": 2, "template": {"spec": {"containers": [
                {"name": "app", "image": "nginx:1.25"}, {"name": "side", "image": "envoy"}]}}},
            "status": {"readyReplicas": 2, "conditions": [
                {"type": "Available", "status": "True"},
                {"type": "Progressing", "status": "False"}]},
        },
        "partial": {"spec": {"replicas": 3}, "status": {"readyReplicas": 1}},
        "scaledDown": {"spec": {"replicas": 0}, "status": {}},
        "defaulted": {"spec": {}, "status": {"readyReplicas": 1}},
        "job": {"status": {"succeeded": 1, "conditions": [{"type": "Complete", "status": "True"}]}},
        "failedJob": {"status": {"failed": 1, "conditions": [
            {"type": "Failed", "status": "True"}]}},
        "runningJob": {"status": {"active": 2}},
        "cronJob": {"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [
            {"image": "busybox:1.36"}]}}}}}},
        "pod": {"spec": {"containers": [{"image": "redis:7"}]}, "status": {"phase": "Running"}},
    },
}
