"""Vendors an operator's published CRD: reads its YAML, keeps only what validation needs and
writes it with a header naming where it came from.

    python deploy/k8s/crds/strip_crd.py UPSTREAM.yaml "repository path at commit ..." > OUT.yaml

Removed: every schema's ``description``, the ``status`` of each version's schema, printer
columns and the generator's annotations. Everything that constrains a value (types, enums,
patterns, bounds, required, defaults, x-kubernetes-* markers, CEL rules) is kept as published.
"""

from __future__ import annotations

import sys

import yaml

#: keywords whose value is one schema
_ONE = ("items", "additionalProperties", "not")
#: keywords whose value is a list of schemas
_MANY = ("anyOf", "allOf", "oneOf")


def strip_schema(schema):
    """A schema without its descriptions; ``properties`` keys are field names, never keywords."""
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key == "description":
            continue
        if key == "properties":
            out[key] = {name: strip_schema(sub) for name, sub in value.items()}
        elif key in _ONE:
            out[key] = strip_schema(value)
        elif key in _MANY:
            out[key] = [strip_schema(sub) for sub in value]
        else:
            out[key] = value
    return out


def strip_crd(crd: dict) -> dict:
    versions = []
    for version in crd["spec"]["versions"]:
        version = {k: v for k, v in version.items() if k != "additionalPrinterColumns"}
        schema = dict(version["schema"]["openAPIV3Schema"])
        schema["properties"] = {k: v for k, v in schema.get("properties", {}).items()
                                if k != "status"}
        version["schema"] = {"openAPIV3Schema": strip_schema(schema)}
        versions.append(version)
    return {
        "apiVersion": crd["apiVersion"],
        "kind": crd["kind"],
        "metadata": {"name": crd["metadata"]["name"]},
        "spec": {**crd["spec"], "versions": versions},
    }


class _Compact(yaml.SafeDumper):
    """Writes a mapping or list of scalars on one line: the files stay a few thousand lines."""


def _is_leaf(value) -> bool:
    return not isinstance(value, (dict, list))


def _mapping(dumper, data):
    flow = all(_is_leaf(v) or (isinstance(v, list) and all(map(_is_leaf, v)))
               for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)


def _sequence(dumper, data):
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data,
                                     flow_style=all(map(_is_leaf, data)))


_Compact.add_representer(dict, _mapping)
_Compact.add_representer(list, _sequence)


def render(crd: dict, source: str) -> str:
    header = f"# {source}\n# descriptions, printer columns and status removed (strip_crd.py)\n"
    return header + yaml.dump(strip_crd(crd), Dumper=_Compact, sort_keys=False, width=100,
                              allow_unicode=True)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as upstream:
        documents = [d for d in yaml.safe_load_all(upstream) if d]
    if len(documents) != 1 or documents[0].get("kind") != "CustomResourceDefinition":
        print(f"{argv[1]}: not a single CustomResourceDefinition", file=sys.stderr)
        return 1
    sys.stdout.write(render(documents[0], argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
