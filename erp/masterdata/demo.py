# ruff: noqa: E501  (the demo materials read best as one row each)
"""Demo master data of a small coatings and resin manufacturer (涂料厂): units, conversions,
categories and materials. Idempotent: runs through the upsert services, so a second run
changes nothing. Partners and facilities come from demo_partners when that module exists."""

from decimal import Decimal
from importlib import import_module
from importlib.util import find_spec

from erp.masterdata.models import Material
from erp.masterdata.services.categories import category_upsert
from erp.masterdata.services.materials import material_upsert
from erp.masterdata.services.units import unit_conversion_upsert, unit_upsert

UNITS = [
    ("kg", "千克", "mass", 3), ("t", "吨", "mass", 4), ("g", "克", "mass", 1),
    ("L", "升", "volume", 3), ("桶", "桶", "count", 0), ("袋", "袋", "count", 0),
    ("罐", "罐", "count", 0), ("个", "个", "count", 0),
]  # fmt: skip
GLOBAL_CONVERSIONS = [("t", "kg", "1000"), ("kg", "g", "1000")]
CATEGORIES = [
    ("RM", "原材料", None), ("RM-RES", "树脂", "RM"), ("RM-PIG", "颜料", "RM"),
    ("RM-SOL", "溶剂", "RM"), ("RM-ADD", "助剂", "RM"), ("PK", "包装物", None),
    ("SF", "半成品", None), ("FG", "产成品", None),
]  # fmt: skip
RAW, SEMI, FIN, PACK = "raw", "semi", "finished", "packaging"
# code, name, specification, category, type, base unit, purchase/sales unit, shelf life,
# standard cost per base unit, per-material conversion (unit, factor to base)
MATERIALS = [
    ("RM-1001", "环氧树脂 E-51", "环氧值0.48-0.54，200kg/桶", "RM-RES", RAW, "kg", "桶", 365, "23.50", ("桶", "200")),
    ("RM-1002", "环氧树脂 E-44", "环氧值0.41-0.47，200kg/桶", "RM-RES", RAW, "kg", "桶", 365, "22.80", ("桶", "200")),
    ("RM-1003", "醇酸树脂 C52-70", "固含70%，180kg/桶", "RM-RES", RAW, "kg", "桶", 270, "14.20", ("桶", "180")),
    ("RM-1004", "丙烯酸树脂 BR-116", "固含50%，180kg/桶", "RM-RES", RAW, "kg", "桶", 270, "18.60", ("桶", "180")),
    ("RM-1005", "聚酰胺固化剂 650", "胺值220±20，180kg/桶", "RM-RES", RAW, "kg", "桶", 365, "26.00", ("桶", "180")),
    ("RM-2001", "钛白粉 R-902", "金红石型，25kg/袋", "RM-PIG", RAW, "kg", "袋", 730, "19.80", ("袋", "25")),
    ("RM-2002", "炭黑 MA-100", "色素炭黑，10kg/袋", "RM-PIG", RAW, "kg", "袋", 730, "65.00", ("袋", "10")),
    ("RM-2003", "氧化铁红 130", "25kg/袋", "RM-PIG", RAW, "kg", "袋", 730, "8.50", ("袋", "25")),
    ("RM-2004", "酞菁蓝 BGS", "15.3型，20kg/箱装袋", "RM-PIG", RAW, "kg", "袋", 730, "88.00", ("袋", "20")),
    ("RM-2005", "滑石粉 1250目", "25kg/袋", "RM-PIG", RAW, "kg", "袋", 730, "1.60", ("袋", "25")),
    ("RM-2006", "沉淀硫酸钡", "1250目，25kg/袋", "RM-PIG", RAW, "kg", "袋", 730, "2.40", ("袋", "25")),
    ("RM-3001", "二甲苯", "工业级，≥99%，170kg/桶", "RM-SOL", RAW, "kg", "桶", 730, "7.20", ("桶", "170")),
    ("RM-3002", "醋酸丁酯", "≥99.5%，180kg/桶", "RM-SOL", RAW, "kg", "桶", 730, "8.90", ("桶", "180")),
    ("RM-3003", "正丁醇", "≥99.5%，165kg/桶", "RM-SOL", RAW, "kg", "桶", 730, "8.10", ("桶", "165")),
    ("RM-3004", "丙二醇甲醚醋酸酯 PMA", "≥99.5%，190kg/桶", "RM-SOL", RAW, "kg", "桶", 730, "11.30", ("桶", "190")),
    ("RM-4001", "消泡剂 BYK-A530", "有机硅，25kg/桶", "RM-ADD", RAW, "kg", "桶", 365, "118.00", ("桶", "25")),
    ("RM-4002", "分散剂 BYK-163", "25kg/桶", "RM-ADD", RAW, "kg", "桶", 365, "156.00", ("桶", "25")),
    ("RM-4003", "流平剂 BYK-358N", "丙烯酸类，25kg/桶", "RM-ADD", RAW, "kg", "桶", 365, "98.00", ("桶", "25")),
    ("RM-4004", "防沉剂 有机膨润土 SD-1", "20kg/袋", "RM-ADD", RAW, "kg", "袋", 730, "32.00", ("袋", "20")),
    ("PK-0001", "铁桶 20L", "马口铁，带盖", "PK", PACK, "个", None, None, "18.00", None),
    ("PK-0002", "铁罐 4L", "马口铁，带提手", "PK", PACK, "个", None, None, "5.20", None),
    ("PK-0003", "标签 环氧底漆", "80×120mm不干胶", "PK", PACK, "个", None, None, "0.15", None),
    ("SF-0001", "环氧底漆基料 A组分", "灰色，研磨细度≤40μm", "SF", SEMI, "kg", None, 90, "21.00", None),
    ("SF-0002", "白色色浆 W-01", "钛白含量65%", "SF", SEMI, "kg", None, 120, "17.50", None),
    ("FG-1001", "环氧富锌底漆 H06-4", "灰色，20kg/桶，A:B=10:1", "FG", FIN, "kg", "桶", 365, "32.00", ("桶", "20")),
    ("FG-1002", "醇酸调合漆 C03-1 白", "4L/罐 约5kg", "FG", FIN, "kg", "罐", 365, "18.00", ("罐", "5")),
    ("FG-1003", "丙烯酸聚氨酯面漆 B04 灰", "20kg/桶", "FG", FIN, "kg", "桶", 365, "36.00", ("桶", "20")),
    # --- the rest of the range a small coatings plant buys and makes ---
    ("RM-1006", "氨基树脂 582-2", "丁醚化三聚氰胺，固含60%，200kg/桶", "RM-RES", RAW, "kg", "桶", 270, "16.80", ("桶", "200")),
    ("RM-1007", "羟基丙烯酸树脂 AC-1260", "羟值 45mgKOH/g，固含60%，190kg/桶", "RM-RES", RAW, "kg", "桶", 270, "21.40", ("桶", "190")),
    ("RM-1008", "HDI三聚体固化剂 N3390", "NCO 19.6%，固含90%，20kg/桶", "RM-RES", RAW, "kg", "桶", 180, "68.00", ("桶", "20")),
    ("RM-1009", "氯化橡胶 CR-20", "粘度 20mPa·s，25kg/袋", "RM-RES", RAW, "kg", "袋", 730, "35.00", ("袋", "25")),
    ("RM-1010", "硝化棉 RS1/2", "含醇30%，湿基，100kg/桶", "RM-RES", RAW, "kg", "桶", 180, "24.50", ("桶", "100")),
    ("RM-1011", "水性丙烯酸乳液 AC-261", "固含50%，pH 8-9，200kg/桶", "RM-RES", RAW, "kg", "桶", 180, "12.60", ("桶", "200")),
    ("RM-2007", "锌粉 FZ-600", "球形，600目，含锌≥96%，50kg/桶", "RM-PIG", RAW, "kg", "桶", 365, "29.00", ("桶", "50")),
    ("RM-2008", "磷酸锌 ZP-409", "防锈颜料，25kg/袋", "RM-PIG", RAW, "kg", "袋", 730, "12.80", ("袋", "25")),
    ("RM-2009", "铁黄 313", "氧化铁黄，25kg/袋", "RM-PIG", RAW, "kg", "袋", 730, "9.60", ("袋", "25")),
    ("RM-2010", "铝银浆 7130", "非浮型，固含65%，5kg/罐", "RM-PIG", RAW, "kg", "罐", 365, "72.00", ("罐", "5")),
    ("RM-2011", "重质碳酸钙 800目", "25kg/袋", "RM-PIG", RAW, "kg", "袋", 730, "0.85", ("袋", "25")),
    ("RM-2012", "气相二氧化硅 A200", "比表面积 200m²/g，10kg/袋", "RM-PIG", RAW, "kg", "袋", 730, "46.00", ("袋", "10")),
    ("RM-3005", "甲苯", "工业级，≥99.5%，170kg/桶", "RM-SOL", RAW, "kg", "桶", 730, "6.80", ("桶", "170")),
    ("RM-3006", "环己酮", "≥99.8%，190kg/桶", "RM-SOL", RAW, "kg", "桶", 730, "10.20", ("桶", "190")),
    ("RM-3007", "200#溶剂油", "芳烃≤15%，150kg/桶", "RM-SOL", RAW, "kg", "桶", 730, "6.30", ("桶", "150")),
    ("RM-3008", "异丙醇", "≥99.7%，160kg/桶", "RM-SOL", RAW, "kg", "桶", 730, "8.40", ("桶", "160")),
    ("RM-3009", "S-150 芳烃溶剂", "馏程 185-210℃，180kg/桶", "RM-SOL", RAW, "kg", "桶", 730, "7.90", ("桶", "180")),
    ("RM-4005", "环烷酸钴催干剂", "含钴8%，25kg/桶", "RM-ADD", RAW, "kg", "桶", 365, "42.00", ("桶", "25")),
    ("RM-4006", "附着力促进剂 KH-560", "硅烷偶联剂，25kg/桶", "RM-ADD", RAW, "kg", "桶", 365, "38.00", ("桶", "25")),
    ("RM-4007", "防霉剂 MBS", "水性体系用，25kg/桶", "RM-ADD", RAW, "kg", "桶", 365, "55.00", ("桶", "25")),
    ("RM-4008", "增稠剂 RM-8W", "聚氨酯缔合型，20kg/桶", "RM-ADD", RAW, "kg", "桶", 365, "86.00", ("桶", "20")),
    ("RM-4009", "紫外线吸收剂 UV-1130", "液体，25kg/桶", "RM-ADD", RAW, "kg", "桶", 730, "128.00", ("桶", "25")),
    ("PK-0004", "铁桶 200L", "开口钢桶，带卡箍盖", "PK", PACK, "个", None, None, "165.00", None),
    ("PK-0005", "塑料桶 20L", "HDPE，带防盗盖", "PK", PACK, "个", None, None, "9.80", None),
    ("PK-0006", "铁罐 1L", "马口铁圆罐", "PK", PACK, "个", None, None, "2.60", None),
    ("PK-0007", "纸箱 4L×4罐", "五层瓦楞，420×420×260mm", "PK", PACK, "个", None, None, "3.40", None),
    ("PK-0008", "托盘 1200×1000", "川字木托盘，熏蒸", "PK", PACK, "个", None, None, "45.00", None),
    ("SF-0003", "铁红防锈基料", "研磨细度≤50μm，固含72%", "SF", SEMI, "kg", None, 90, "12.40", None),
    ("SF-0004", "炭黑色浆 K-02", "炭黑含量18%", "SF", SEMI, "kg", None, 120, "26.50", None),
    ("SF-0005", "丙烯酸面漆基料 灰", "研磨细度≤20μm", "SF", SEMI, "kg", None, 90, "27.80", None),
    ("FG-1004", "环氧云铁中间漆 H53-6", "灰色，20kg/桶，A:B=8:1", "FG", FIN, "kg", "桶", 365, "27.50", ("桶", "20")),
    ("FG-1005", "醇酸防锈漆 C53-1 铁红", "20kg/桶", "FG", FIN, "kg", "桶", 365, "15.60", ("桶", "20")),
    ("FG-1006", "氯化橡胶面漆 J52-1 白", "20kg/桶", "FG", FIN, "kg", "桶", 365, "29.00", ("桶", "20")),
    ("FG-1007", "氨基烘漆 A05-9 黑", "20kg/桶，烘烤 120℃×30min", "FG", FIN, "kg", "桶", 365, "24.80", ("桶", "20")),
    ("FG-1008", "水性工业漆 W-300 灰", "20kg/桶，VOC≤120g/L", "FG", FIN, "kg", "桶", 270, "22.60", ("桶", "20")),
    ("FG-1009", "硝基木器漆 NC-清", "4L/罐 约3.5kg", "FG", FIN, "kg", "罐", 365, "19.50", ("罐", "3.5")),
    ("FG-1010", "环氧稀释剂 X-7", "20L/桶 约17kg", "FG", FIN, "kg", "桶", 730, "12.00", ("桶", "17")),
]  # fmt: skip


def load_demo(*, actor) -> dict[str, int]:
    units = _load_units(actor)
    categories = _load_categories(actor)
    for row in MATERIALS:
        _load_material(actor, row, units, categories)
    if find_spec("erp.masterdata.demo_partners") is not None:
        import_module("erp.masterdata.demo_partners").load_partners_demo(actor=actor)
    return {"units": len(units), "categories": len(categories), "materials": len(MATERIALS)}


def _load_units(actor) -> dict:
    units = {}
    for code, name, kind, places in UNITS:
        data = {"code": code, "name": name, "kind": kind, "decimal_places": places}
        units[code], _outcome = unit_upsert(actor=actor, data=data)
    for source, target, factor in GLOBAL_CONVERSIONS:
        data = {
            "material": None,
            "from_unit": units[source],
            "to_unit": units[target],
            "factor": Decimal(factor),
        }
        unit_conversion_upsert(actor=actor, data=data)
    return units


def _load_categories(actor) -> dict:
    categories = {}
    for code, name, parent in CATEGORIES:
        data = {"code": code, "name": name, "parent": categories.get(parent)}
        categories[code], _outcome = category_upsert(actor=actor, data=data)
    return categories


def _load_material(actor, row, units, categories) -> Material:
    code, base, conversion = row[0], row[5], row[9]
    if conversion is not None:
        # The conversion first: the purchase/sales unit rule needs it to exist.
        material = Material.objects.filter(code=code).first()
        if material is None:
            material, _outcome = material_upsert(
                actor=actor, data=_material_data(row, units, categories, with_units=False)
            )
        unit_conversion_upsert(
            actor=actor,
            data={
                "material": material,
                "from_unit": units[conversion[0]],
                "to_unit": units[base],
                "factor": Decimal(conversion[1]),
            },
        )
    material, _outcome = material_upsert(
        actor=actor, data=_material_data(row, units, categories, with_units=True)
    )
    return material


def _material_data(row, units, categories, *, with_units: bool) -> dict:
    code, name, spec, category, kind, base, other, shelf, cost, _conversion = row
    purchase = units[other] if other and with_units else None
    is_raw = kind in (RAW, PACK)
    return {
        "code": code,
        "name": name,
        "specification": spec,
        "category": categories[category],
        "inventory_type": kind,
        "procurement": "buy" if is_raw else "make",
        "base_unit": units[base],
        "purchase_unit": purchase if is_raw else None,
        "sales_unit": purchase if kind == FIN else None,
        "batch_managed": kind != PACK,
        "shelf_life_days": shelf,
        "qc_required": kind in (RAW, FIN),
        "standard_cost": Decimal(cost),
        "safety_stock": Decimal("500") if kind == RAW else Decimal("0"),
        "lead_time_days": 7 if is_raw else 3,
        "hazard_class": "3类易燃液体" if category in ("RM-SOL",) else "",
        "storage_conditions": "阴凉通风，远离火源" if kind != PACK else "干燥",
    }
