"""Demo data of the coatings company (涂料厂): payment terms, customers, suppliers, warehouses
with locations, work centres and a production line. Fictional companies; every 统一社会信用代码
carries a correct check character. Loading twice changes nothing (upserts by code)."""

from decimal import Decimal

from erp.core.validators import uscc_check_character
from erp.masterdata.models import Material, PaymentTerm
from erp.masterdata.services import facilities as fs
from erp.masterdata.services import partners as ps


def demo_uscc(region: str, serial: str) -> str:
    """91 (enterprise) + 6-digit region code + 9-character organisation code + check."""
    first17 = f"91{region}{serial}"
    return first17 + uscc_check_character(first17)


TERMS = [
    ("PREPAY", "款到发货", 0),
    ("N30", "月结30天", 30),
    ("N60", "月结60天", 60),
]

# code, name, region, serial, term, credit limit, contact, phone, address
CUSTOMERS = [
    (
        "C001",
        "福州闽江家具制造有限公司",
        "350100",
        "MA2Y3K8L1",
        "N30",
        "300000",
        "林建华",
        "13905910001",
        "福建省福州市仓山区盖山镇工业路18号",
    ),
    (
        "C002",
        "厦门海沧钢构工程有限公司",
        "350205",
        "MA31QW7N2",
        "N60",
        "800000",
        "陈志强",
        "13806020002",
        "福建省厦门市海沧区新阳工业区阳光路66号",
    ),
    (
        "C003",
        "泉州晋江鞋材科技有限公司",
        "350582",
        "MA2XK5RT3",
        "N30",
        "200000",
        "王丽芳",
        "13959810003",
        "福建省晋江市陈埭镇江头工业区8号",
    ),
    (
        "C004",
        "莆田涵江木业有限公司",
        "350303",
        "MA34HJ9P4",
        "PREPAY",
        "0",
        "黄文斌",
        "13600830004",
        "福建省莆田市涵江区江口镇石庭路101号",
    ),
    (
        "C005",
        "南平武夷机械设备有限公司",
        "350702",
        "MA2WQ2LD5",
        "N30",
        "150000",
        "吴海涛",
        "13509590005",
        "福建省南平市延平区塔前工业园3号",
    ),
    (
        "C006",
        "漳州龙海船舶修造有限公司",
        "350681",
        "MA35NB6X6",
        "N60",
        "1000000",
        "郑国栋",
        "13850660006",
        "福建省漳州市龙海区港尾镇船厂路1号",
    ),
    (
        "C007",
        "三明沙县建材贸易有限公司",
        "350427",
        "MA32CF4G7",
        "PREPAY",
        "0",
        "刘小燕",
        "15959870007",
        "福建省三明市沙县区金沙园区富民路22号",
    ),
    (
        "C008",
        "宁德蕉城汽车零部件有限公司",
        "350902",
        "MA33DT1H8",
        "N30",
        "500000",
        "张伟",
        "13705930008",
        "福建省宁德市蕉城区漳湾镇新能源路9号",
    ),
]

SUPPLIERS = [
    (
        "S001",
        "江苏常州树脂化工有限公司",
        "320400",
        "MA1MX3PQ1",
        "N60",
        "approved",
        "周建军",
        "13915010001",
    ),
    (
        "S002",
        "上海浦江颜料有限公司",
        "310115",
        "MA1FL8K02",
        "N30",
        "approved",
        "徐敏",
        "13817020002",
    ),
    (
        "S003",
        "浙江宁波溶剂化学品有限公司",
        "330206",
        "MA2GU6WN3",
        "N30",
        "approved",
        "孙立新",
        "13705740003",
    ),
    (
        "S004",
        "广东佛山助剂科技有限公司",
        "440604",
        "MA4UR2YB4",
        "N60",
        "pending",
        "何嘉欣",
        "13631040004",
    ),
    (
        "S005",
        "福建三明包装制品有限公司",
        "350402",
        "MA2YB7TC5",
        "PREPAY",
        "approved",
        "罗春生",
        "13959850005",
    ),
    (
        "S006",
        "山东淄博钛白粉有限公司",
        "370303",
        "MA3CH9KE6",
        "N60",
        "suspended",
        "马德胜",
        "13853310006",
    ),
]

RAW_BINS = [
    {"code": "RCV", "name": "收货区", "type": "receiving"},
    {"code": "QC", "name": "待检区", "type": "quarantine"},
    *[
        {"code": f"A-0{i}", "name": f"A区0{i}货位", "type": "storage", "capacity": Decimal("40")}
        for i in range(1, 7)
    ],
    {"code": "SCRAP", "name": "报废区", "type": "scrap"},
]
FINISHED_BINS = [
    {"code": "F-01", "name": "成品F区01", "type": "storage"},
    {"code": "F-02", "name": "成品F区02", "type": "storage"},
    {"code": "SHIP", "name": "发货区", "type": "shipping"},
]

# code, name, hours per day, labour rate, overhead rate
WORK_CENTERS = [
    ("WC-MIX", "配料", "16", "42.00", "25.00"),
    ("WC-DSP", "分散", "16", "48.00", "60.00"),
    ("WC-MIL", "研磨", "20", "50.00", "85.00"),
    ("WC-PKG", "调漆/包装", "16", "40.00", "30.00"),
]


def load_partners_demo(*, actor) -> dict[str, int]:
    terms = {
        code: ps.payment_term_upsert(actor=actor, data={"code": code, "name": name, "days": days})[
            0
        ]
        for code, name, days in TERMS
    }
    for code, name, region, serial, term, limit, person, phone, address in CUSTOMERS:
        _customer(
            actor, terms, code, name, demo_uscc(region, serial), term, limit, person, phone, address
        )
    raw = list(Material.objects.filter(active=True, inventory_type="raw").order_by("code")[:12])
    for index, (code, name, region, serial, term, status, person, phone) in enumerate(SUPPLIERS):
        supplied = [{"material": m, "lead_time_days": 7} for m in raw[index * 2 : index * 2 + 2]]
        ps.supplier_upsert(
            actor=actor,
            data={
                "code": code,
                "name": name,
                "uscc": demo_uscc(region, serial),
                "payment_term": terms[term],
                "approval_status": status,
                "invoice_title": name,
            },
            contacts=[{"name": person, "position": "销售经理", "phone": phone, "is_primary": True}],
            materials=supplied,
        )
    fs.warehouse_upsert(
        actor=actor,
        data={"code": "WH-RM", "name": "原料仓", "address": "一号厂房"},
        locations=RAW_BINS,
    )
    fs.warehouse_upsert(
        actor=actor,
        data={"code": "WH-FG", "name": "成品仓", "address": "三号厂房"},
        locations=FINISHED_BINS,
    )
    centres = [
        fs.work_center_upsert(
            actor=actor,
            data={
                "code": code,
                "name": name,
                "capacity_hours_per_day": Decimal(hours),
                "labour_rate": Decimal(labour),
                "overhead_rate": Decimal(overhead),
            },
        )[0]
        for code, name, hours, labour, overhead in WORK_CENTERS
    ]
    fs.production_line_upsert(
        actor=actor,
        data={"code": "PL-01", "name": "涂料一线"},
        steps=[{"sequence": (i + 1) * 10, "work_center": c} for i, c in enumerate(centres)],
    )
    return {
        "customers": len(CUSTOMERS),
        "suppliers": len(SUPPLIERS),
        "payment_terms": PaymentTerm.objects.count(),
    }


def _customer(actor, terms, code, name, uscc, term, limit, person, phone, address) -> None:
    ps.customer_upsert(
        actor=actor,
        data={
            "code": code,
            "name": name,
            "uscc": uscc,
            "payment_term": terms[term],
            "credit_limit": Decimal(limit),
            "invoice_title": name,
            "invoice_address": address,
            "invoice_phone": phone,
            "bank_name": "中国工商银行福州分行",
            "bank_account": f"1402 0212 0910 0{code[1:]}8 8",
        },
        contacts=[
            {"name": person, "position": "采购经理", "phone": phone, "is_primary": True},
            {"name": "财务部", "position": "对账", "phone": phone[:7] + "9999"},
        ],
        addresses=[
            {
                "label": "工厂",
                "address": address,
                "contact_name": person,
                "phone": phone,
                "is_default": True,
            }
        ],
    )
