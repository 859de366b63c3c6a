"""A generated county in the set-up workbook's layout, for the tests and the
benchmark (bench/setup_import.py): towns, communities, grids, units and people
spread evenly, with every kind of row the template takes."""

from __future__ import annotations

from .workbook import write_rows


def county_rows(*, towns: int, communities: int, grids: int, units: int, people: int, code: str = "GEN") -> dict:
    nodes = [{"code": code, "name": "生成县", "kind": "county", "parent": "", "lat": 44.0, "lng": 86.0}]
    town_codes = [f"{code}-T{i}" for i in range(1, towns + 1)]
    nodes += [{"code": c, "name": f"第{i}镇", "kind": "town", "parent": code} for i, c in enumerate(town_codes, 1)]
    community_codes = []
    for i in range(communities):
        parent = town_codes[i % towns]
        c = f"{parent}-C{i // towns + 1}"
        community_codes.append(c)
        nodes.append({"code": c, "name": f"社区{i + 1}", "kind": "community", "parent": parent,
                      "lat": 44 + i / 1000, "lng": 86 + i / 1000})
    grid_codes = []
    for i in range(grids):
        parent = community_codes[i % communities]
        c = f"{parent}-G{i // communities + 1}"
        grid_codes.append(c)
        nodes.append({"code": c, "name": f"网格{i + 1}", "kind": "grid", "parent": parent})
    kinds = ["department", "property", "police", "partner", "community"]
    unit_rows = []
    for i in range(units):
        served = community_codes[i % communities] if i % 5 else town_codes[i % towns]
        unit_rows.append({"code": f"{code}-U{i + 1}", "name": f"单位{i + 1}", "kind": kinds[i % 5],
                          "jurisdiction": served, "phone": f"0994-45{i:05d}", "active": "yes"})
    people_rows = []
    for i in range(people):
        username = f"{code.lower()}_p{i + 1}"
        base = {"username": username, "full_name": f"工作人员{i + 1}", "phone": f"139{i:08d}"}
        if i % 3 == 0:
            people_rows.append({**base, "role": "grid_worker", "node": grid_codes[i % grids], "unit": ""})
        elif i % 3 == 1:
            people_rows.append({**base, "role": "handler", "node": "", "unit": f"{code}-U{i % units + 1}"})
        else:
            people_rows.append({**base, "role": "dispatcher", "node": town_codes[i % towns], "unit": ""})
            people_rows.append({**base, "role": "supervisor", "node": town_codes[i % towns], "unit": ""})
    categories = [{"code": f"{code}-K{i}", "name": f"大类{i}", "name_en": f"Group {i}", "parent": "", "order": i,
                   "active": "yes"} for i in range(1, 6)]
    categories += [{"code": f"{code}-K{i}-{j}", "name": f"小类{i}-{j}", "name_en": "", "parent": f"{code}-K{i}",
                    "order": j, "active": "yes"} for i in range(1, 6) for j in range(1, 5)]
    limits = [{"step": "handle", "category": f"{code}-K{i}-1", "type": "", "urgency": "urgent", "amount": 2,
               "clock": "work_days"} for i in range(1, 6)]
    limits.append({"step": "sign", "category": f"{code}-K1", "type": "complaint", "urgency": "", "amount": 4.5,
                   "clock": "work_hours"})
    return {"nodes": nodes, "units": unit_rows, "people": people_rows, "categories": categories, "limits": limits}


def county_workbook(**sizes) -> bytes:
    return write_rows(county_rows(**sizes), example=False)
