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
    # code, name, region, serial, term, credit limit, contact, phone, address
    *[
        (
            "C009",
            "福清融侨钢结构有限公司",
            "350181",
            "MA2YDK3F9",
            "N60",
            "600000",
            "陈建国",
            "13905911009",
            "福建省福清市融侨经济开发区清华路5号",
        ),
        (
            "C010",
            "厦门集美家居装饰有限公司",
            "350211",
            "MA31RX8KA",
            "N30",
            "250000",
            "李晓梅",
            "13806021010",
            "福建省厦门市集美区杏林湾路188号",
        ),
        (
            "C011",
            "泉州石狮船舶配件有限公司",
            "350581",
            "MA2XL4PGB",
            "N60",
            "400000",
            "蔡明辉",
            "13959811011",
            "福建省石狮市祥芝镇港口路12号",
        ),
        (
            "C012",
            "龙岩新罗矿山机械有限公司",
            "350802",
            "MA33EF7QC",
            "N30",
            "300000",
            "邱永福",
            "13950951012",
            "福建省龙岩市新罗区西陂工业园28号",
        ),
        (
            "C013",
            "福州马尾港口设备有限公司",
            "350105",
            "MA2Y8HU4D",
            "N60",
            "900000",
            "林志远",
            "13705911013",
            "福建省福州市马尾区快安大道99号",
        ),
        (
            "C014",
            "莆田仙游红木家具有限公司",
            "350322",
            "MA34KN2WE",
            "PREPAY",
            "0",
            "郭秋萍",
            "13600831014",
            "福建省莆田市仙游县榜头镇工艺城6号",
        ),
        (
            "C015",
            "漳州长泰汽车改装有限公司",
            "350625",
            "MA35PC9XF",
            "N30",
            "350000",
            "杨志华",
            "13850661015",
            "福建省漳州市长泰区兴泰工业区8号",
        ),
        (
            "C016",
            "南平建阳竹木制品有限公司",
            "350703",
            "MA2WR6MYG",
            "PREPAY",
            "0",
            "叶春生",
            "13509591016",
            "福建省南平市建阳区童游工业园15号",
        ),
        (
            "C017",
            "宁德福安电机有限公司",
            "350981",
            "MA33G1JTH",
            "N30",
            "450000",
            "缪德胜",
            "13705931017",
            "福建省福安市湾坞工贸集中区2号",
        ),
        (
            "C018",
            "三明永安林业机械有限公司",
            "350481",
            "MA32D8NRJ",
            "N30",
            "200000",
            "罗开明",
            "15959871018",
            "福建省永安市尼葛工业园区7号",
        ),
        (
            "C019",
            "厦门同安护栏工程有限公司",
            "350212",
            "MA31T5HBK",
            "N60",
            "500000",
            "黄志勇",
            "13806021019",
            "福建省厦门市同安区西柯工业区36号",
        ),
        (
            "C020",
            "泉州惠安石材加工有限公司",
            "350521",
            "MA2XM3QCL",
            "PREPAY",
            "0",
            "庄丽华",
            "13959811020",
            "福建省惠安县崇武镇石材园区11号",
        ),
    ],
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
    *[
        (
            "S007",
            "安徽铜陵锌粉材料有限公司",
            "340705",
            "MA2TN4KP7",
            "N30",
            "approved",
            "汪振华",
            "13905620007",
        ),
        (
            "S008",
            "江苏南通添加剂有限公司",
            "320602",
            "MA1N8CW38",
            "N60",
            "approved",
            "顾晓东",
            "13962870008",
        ),
        (
            "S009",
            "山东东营石化溶剂有限公司",
            "370502",
            "MA3DK7RF9",
            "N30",
            "approved",
            "刘广德",
            "13854670009",
        ),
        (
            "S010",
            "上海金山化学品贸易有限公司",
            "310116",
            "MA1FM2XUA",
            "PREPAY",
            "approved",
            "沈佳怡",
            "13817020010",
        ),
        (
            "S011",
            "浙江杭州颜料化工有限公司",
            "330110",
            "MA2GW5HLB",
            "N60",
            "approved",
            "陈浩然",
            "13705710011",
        ),
        (
            "S012",
            "河北沧州钢桶制造有限公司",
            "130902",
            "MA0DP8QTC",
            "PREPAY",
            "approved",
            "赵建民",
            "13903170012",
        ),
        (
            "S013",
            "广东东莞纸品包装有限公司",
            "441900",
            "MA4WB3LND",
            "N30",
            "pending",
            "梁文杰",
            "13631040013",
        ),
        (
            "S014",
            "江西九江树脂科技有限公司",
            "360402",
            "MA38K6TGE",
            "N60",
            "approved",
            "黄国平",
            "13907920014",
        ),
        (
            "S015",
            "福建南平木制托盘有限公司",
            "350702",
            "MA2WT9DKF",
            "PREPAY",
            "approved",
            "吴志斌",
            "13509590015",
        ),
    ],
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

INSPECTION_BINS = [
    {"code": "Q-RM", "name": "原料待检区", "type": "quarantine"},
    {"code": "Q-FG", "name": "成品待检区", "type": "quarantine"},
    {"code": "Q-01", "name": "留样货架", "type": "storage", "capacity": Decimal("5")},
    {"code": "Q-NG", "name": "不合格品区", "type": "scrap"},
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
    raw = list(Material.objects.filter(active=True, inventory_type="raw").order_by("code"))
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
    fs.warehouse_upsert(
        actor=actor,
        data={"code": "WH-QC", "name": "待检仓", "address": "二号厂房东侧"},
        locations=INSPECTION_BINS,
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
    # 调合漆 line: no bead mill, the dispersion is fine enough for enamels and primers.
    fs.production_line_upsert(
        actor=actor,
        data={"code": "PL-02", "name": "调合漆二线"},
        steps=[
            {"sequence": (i + 1) * 10, "work_center": c}
            for i, c in enumerate(x for x in centres if x.code != "WC-MIL")
        ],
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
