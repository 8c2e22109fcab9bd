#!/usr/bin/python3
"""QGIS 3.22 (Debian's python3-qgis) as a real client of Cradle.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/clients/qgis_check.py http://127.0.0.1:8097 [--page-size N] [--strict]

Opens every OGC API - Features collection with QGIS's own OAPIF provider, counts its features
by reading them all, and converts BASE/tiles/style.json with QGIS's MapLibre style converter.
Prints one JSON document on stdout. Exits 1 (reasons on stderr) when a layer is invalid or its
count differs from the server's numberMatched; with --strict also when QGIS types a numeric
property as text or a fractional one as integer, or cannot convert a fill layer's colour.

/usr/bin/python3, not a pyenv one: the qgis module is Debian's and built for its Python.
"""
import argparse
import json
import os
import re
import sys
import time
import urllib.request

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display on CI or the dev machines

from qgis.core import (Qgis, QgsApplication, QgsMapBoxGlStyleConverter, QgsSymbolLayer,  # noqa: E402
                       QgsVectorLayer, QgsWkbTypes)
from qgis.PyQt.QtCore import Qt, QVariant  # noqa: E402


def get_json(url):
    with urllib.request.urlopen(url, timeout=120) as r:
        return json.load(r)


def json_kinds(base, cid):
    """What JSON gives for each property across all of a collection's items: QGIS (through OGR)
    guesses field types from the first 10 only, so this is the truth to hold its guess against."""
    kinds, first10, n, url = {}, {}, 0, f"{base}/ogc/collections/{cid}/items?limit=10000"
    while url:
        page = get_json(url)
        for f in page["features"]:
            for k, v in (f.get("properties") or {}).items():
                kind = ("null" if v is None else "bool" if isinstance(v, bool)
                        else "fraction" if isinstance(v, float) and not v.is_integer()
                        else "number" if isinstance(v, (int, float)) else "string")
                kinds.setdefault(k, set()).add(kind)
                if n < 10:
                    first10.setdefault(k, set()).add(kind)
            n += 1
        url = next((l["href"] for l in page.get("links", []) if l.get("rel") == "next"), None)
    return kinds, first10


def type_problems(fields, kinds, first10):
    """Numbers QGIS would misread: typed as text (no numeric sort or classes), or fractions typed
    as integer (truncated). A field null in all of the first 10 items is a limitation, not a
    problem: QGIS 3.22 types it as text whatever the server says (it reads no schema)."""
    problems, limitations = [], []
    for f in fields:
        k = kinds.get(f["name"], set())
        seen = first10.get(f["name"], set())
        if f["qvariant"] == "QString" and k & {"number", "fraction"}:
            message = f"{f['name']}: numbers typed as {f['type']} (the first 10 items give it as {sorted(seen) or 'absent'})"
            (limitations if seen <= {"null"} else problems).append(message)
        elif "fraction" in k and f["qvariant"] != "double":
            problems.append(f"{f['name']}: fractional numbers typed as {f['type']}")
    return problems, limitations


def check_collection(base, cid, page_size):
    uri = f"url='{base}/ogc' typename='{cid}'"
    if page_size:
        uri += f" pageSize='{page_size}'"
    t0 = time.monotonic()
    layer = QgsVectorLayer(uri, cid, "OAPIF")
    t1 = time.monotonic()
    out = {"uri": uri, "valid": layer.isValid(), "load_s": round(t1 - t0, 2)}
    if not layer.isValid():
        return out
    out["provider_count"] = layer.featureCount()  # numberMatched of the provider's first request
    # The real count: read every feature, as drawing or exporting the layer would.
    n, geom_types = 0, {}
    for feat in layer.getFeatures():
        n += 1
        g = QgsWkbTypes.displayString(feat.geometry().wkbType()) if feat.hasGeometry() else "none"
        geom_types[g] = geom_types.get(g, 0) + 1
    out.update(count=n, read_s=round(time.monotonic() - t1, 2),
               wkb_type=QgsWkbTypes.displayString(layer.wkbType()), feature_geometries=geom_types,
               fields=[{"name": f.name(), "type": f.typeName(), "qvariant": QVariant.typeToName(f.type())}
                       for f in layer.fields()])
    return out


def fill_classes(symbol_layer):
    """How many fill colours a converted fill can paint: 0 when QGIS fell back to no brush and
    no usable data-defined colour (the conversion failed), else the colours it names."""
    prop = symbol_layer.dataDefinedProperties().property(QgsSymbolLayer.PropertyFillColor)
    expr = prop.expressionString() if prop and prop.isActive() else ""
    if expr:
        return len(set(re.findall(r"'(#[0-9a-fA-F]{6,8})'", expr))) or 1, expr
    return (0 if symbol_layer.brushStyle() == Qt.NoBrush else 1), expr


def check_style(base):
    converter = QgsMapBoxGlStyleConverter()
    result = converter.convert(get_json(f"{base}/tiles/style.json"))
    styles = []
    for s in converter.renderer().styles():
        entry = {"id": s.styleName(), "source_layer": s.layerName(), "enabled": s.isEnabled(),
                 "geometry": QgsWkbTypes.geometryDisplayString(s.geometryType()), "filter": s.filterExpression()}
        sl = s.symbol().symbolLayer(0) if s.symbol() else None
        if sl is not None and s.geometryType() == QgsWkbTypes.PolygonGeometry and s.styleName() != "background":
            entry["fill_classes"], entry["fill_color_expression"] = fill_classes(sl)
            entry["fill_brush"] = "none" if sl.brushStyle() == Qt.NoBrush else sl.color().name()
        styles.append(entry)
    return {"result": "Success" if result == QgsMapBoxGlStyleConverter.Success else str(result),
            "error": converter.errorMessage(), "warnings": converter.warnings(), "styles": styles}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base", help="server root, e.g. http://127.0.0.1:8097")
    ap.add_argument("--page-size", type=int, help="OAPIF pageSize (QGIS uses 100 unless the OpenAPI document declares the limit's default and maximum)")
    ap.add_argument("--strict", action="store_true", help="also fail on misread number types and fill colours QGIS cannot convert")
    args = ap.parse_args()
    base = args.base.rstrip("/")

    app = QgsApplication([], False)
    app.initQgis()
    report = {"qgis": Qgis.QGIS_VERSION, "base": base, "collections": {}}
    failures = []
    for c in get_json(f"{base}/ogc/collections")["collections"]:
        cid = c["id"]
        res = check_collection(base, cid, args.page_size)
        matched = get_json(f"{base}/ogc/collections/{cid}/items?limit=1").get("numberMatched")
        res["number_matched"] = matched
        report["collections"][cid] = res
        if not res["valid"]:
            failures.append(f"{cid}: QGIS's OAPIF provider could not open the layer ({res['uri']})")
            continue
        if res["count"] != matched:
            failures.append(f"{cid}: QGIS read {res['count']} features, the server's numberMatched is {matched}")
        res["type_problems"], res["type_limitations"] = type_problems(res["fields"], *json_kinds(base, cid))
        if args.strict:
            failures += [f"{cid}: {p}" for p in res["type_problems"]]

    report["style"] = check_style(base)
    if args.strict:
        failures += [f"style {s['id']}: QGIS cannot convert its fill-color (warnings: {report['style']['warnings']})"
                     for s in report["style"]["styles"] if s.get("fill_classes") == 0]

    report["failures"] = failures
    json.dump(report, sys.stdout, indent=1)
    print()
    app.exitQgis()
    for f in failures:
        print("FAIL " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
