"""The trial file format, declared once: the loader validates against it and
``ivigstats schema`` prints it as JSON Schema.

A field type is one of the names in ``TYPES``; ``FIELDS`` maps each section of a trial file to
its allowed keys as ``key: (type, required, description)``. Per-arm outcome data allow the
keys of their outcome's kind only.
"""

from __future__ import annotations

TYPES: dict[str, dict] = {
    "string": {"type": "string", "minLength": 1},
    "text": {"type": "string"},
    "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_.-]*$"},
    "positive_int": {"type": "integer", "minimum": 1},
    "count": {"type": "integer", "minimum": 0},
    "positive": {"type": "number", "exclusiveMinimum": 0},
    "nonnegative": {"type": "number", "minimum": 0},
    "number": {"type": "number"},
    "percent": {"type": "number", "minimum": 0, "maximum": 100},
    "level": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "p_value": {"type": "number", "minimum": 0, "maximum": 1},
    "interval": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    "counts": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2},
    "percents": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 100},
                 "minItems": 2},
    "labels": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 2},
    "kind": {"enum": ["continuous", "binary", "count", "ordinal"]},
    "benefit": {"enum": ["higher", "lower"]},
    "role": {"enum": ["experimental", "control"]},
}

KINDS = ("continuous", "binary", "count", "ordinal")

TRIAL = {
    "id": ("id", True, "Short unique identifier, lowercase (e.g. fazekas1997)."),
    "title": ("string", True, "Title of the trial report."),
    "citation": ("string", True, "Full citation of the report."),
    "doi": ("string", False, "DOI of the report."),
    "follow_up_years": ("positive", True, "Planned follow-up in years."),
    "randomised": ("positive_int", False, "Total number randomised (all arms)."),
    "note": ("text", False, "Free text: sources, approximations, corrections."),
}

ARM = {
    "id": ("id", True, "Arm identifier used under outcomes[].arms."),
    "label": ("string", True, "Label shown in output."),
    "n": ("positive_int", True, "Number randomised to the arm."),
    "role": ("role", False, ("experimental or control; default: first arm experimental, "
                            "last arm control.")),
    "annual_cost": ("nonnegative", False, ("Cost per patient per year of the arm's treatment; "
                                          "summarize and cost then give the cost per outcome "
                                          "avoided (--cost overrides).")),
    "note": ("text", False, "Free text."),
    "source": ("text", False, "Where the numbers come from."),
}

OUTCOME = {
    "id": ("id", True, "Outcome identifier (unique within the trial)."),
    "label": ("string", True, "Label shown in output."),
    "kind": ("kind", True, "continuous, binary, count or ordinal."),
    "benefit": ("benefit", True, "Which direction is benefit: higher or lower values/events."),
    "categories": ("labels", False, "Ordinal only: category labels, lowest first."),
    "granularity": ("positive", False, ("Step of the individual values (EDSS: 0.5), for the "
                                       "audit's GRIM checks.")),
    "follow_up_years": ("positive", False, "Count outcomes: follow-up if not the trial's."),
    "dispersion_from": ("id", False, ("Count outcomes: id of the continuous outcome holding the "
                                     "mean and SD of per-patient rates; summarize estimates the "
                                     "overdispersion from it.")),
    "source": ("text", False, "Where the numbers come from."),
    "note": ("text", False, "Free text: corrections, approximations."),
    "arms": ("table", True, "Per-arm data keyed by arm id (keys by kind below)."),
    "reported": ("table", False, "What the paper printed for the comparison."),
}

COMMON_ARM_DATA = {
    "source": ("text", False, "Where the numbers come from."),
    "note": ("text", False, "Free text."),
}

ARM_DATA = {
    "continuous": {
        "mean": ("number", False, "Mean (required unless median is given)."),
        "sd": ("positive", False, "Standard deviation (used when given)."),
        "se": ("positive", False, "Standard error of the mean."),
        "ci": ("interval", False, "Confidence interval of the mean [low, high]."),
        "ci_level": ("level", False, "Level of ci (default 0.95)."),
        "n": ("positive_int", False, "Analysed n (default: the arm's n)."),
        "median": ("number", False, ("Median, when no mean is printed: with q1 and q3 and/or "
                                     "min and max the mean (Luo 2018) and SD (Wan 2014; Shi "
                                     "2020 for all five) are estimated, and the rows say so.")),
        "q1": ("number", False, "First quartile (with median)."),
        "q3": ("number", False, "Third quartile (with median)."),
        "min": ("number", False, "Minimum (with median)."),
        "max": ("number", False, "Maximum (with median)."),
    },
    "binary": {
        "events": ("count", False, "Participants with the event."),
        "percent": ("percent", False, "Percentage with the event (count reconstructed)."),
        "n": ("positive_int", False, "Analysed n (default: the arm's n)."),
    },
    "count": {
        "events": ("count", True, "Number of events (all participants)."),
        "person_years": ("positive", False, "Person-time at risk in years."),
        "n": ("positive_int", False, ("Participants; person-years = n x follow-up when "
                                     "person_years is not given.")),
    },
    "ordinal": {
        "counts": ("counts", False, "Participants per category, lowest first."),
        "percents": ("percents", False, "Percentages per category (counts reconstructed)."),
        "n": ("positive_int", False, "Analysed n (default: the arm's n)."),
    },
}

REPORTED = {
    "measure": ("string", False, ("Measure the printed values belong to (e.g. risk_ratio, "
                                 "mean_difference, test); default: P beside every test.")),
    "estimate": ("number", False, "Printed estimate."),
    "conf_low": ("number", False, "Printed lower confidence limit."),
    "conf_high": ("number", False, "Printed upper confidence limit."),
    "conf_level": ("level", False, "Level of the printed interval (default 0.95)."),
    "p_value": ("p_value", False, "Printed P value."),
    "source": ("text", False, "Where it was printed."),
    "note": ("text", False, "Free text."),
}


PRINTED = {
    "interval": 'as printed: "-0.13 to 0.37", "(-0.13, 0.37)", "−0.13 – 0.37"',
    "p_value": 'as printed: "0.008", "0·008", "< 0.001" (a bound)',
}
PRINTED = {**{t: 'a number as printed: "−0.13", "0·008", "1 000"' for t in TYPES}, **PRINTED}


def _props(fields: dict) -> tuple[dict, list[str]]:
    props, required = {}, []
    for key, (typ, req, desc) in fields.items():
        spec = TYPES.get(typ, {"type": "object"})
        if spec.get("type") in ("number", "integer") or typ in ("interval", "p_value"):
            # the loader also reads numbers as papers print them (ivigstats/numbers.py)
            spec = {"anyOf": [spec, {"type": "string", "description": PRINTED[typ]}]}
        props[key] = {**spec, "description": desc}
        if req:
            required.append(key)
    return props, required


def _object(fields: dict, **extra) -> dict:
    props, required = _props(fields)
    out = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    out.update(extra)
    return out


def json_schema() -> dict:
    """The trial file format as a JSON Schema (draft 2020-12) document."""
    arm_data = {
        kind: _object({**fields, **COMMON_ARM_DATA}) for kind, fields in ARM_DATA.items()
    }
    outcome = _object(OUTCOME)
    outcome["properties"]["arms"] = {
        "type": "object",
        "description": OUTCOME["arms"][2],
        "additionalProperties": {"oneOf": [{"$ref": f"#/$defs/{k}_arm"} for k in KINDS]},
    }
    outcome["properties"]["reported"] = _object(REPORTED)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/ivigstats/ivigstats/trial.schema.json",
        "title": "ivigstats trial file",
        "description": "A trial's arm-level numbers (TOML or JSON with this structure). The "
                       "per-arm keys allowed under outcomes[].arms depend on the outcome's kind.",
        "type": "object",
        "required": ["trial", "arms", "outcomes"],
        "additionalProperties": False,
        "properties": {
            "trial": _object(TRIAL),
            "arms": {"type": "array", "minItems": 2, "items": _object(ARM)},
            "outcomes": {"type": "array", "minItems": 1, "items": outcome},
        },
        "$defs": {f"{k}_arm": v for k, v in arm_data.items()},
    }
