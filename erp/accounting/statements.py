"""Statutory row layouts of the financial statements (财务报表), as data.

Balance sheet (资产负债表) and income statement (利润表) for 企业会计准则 (一般企业财务报表格式,
财会〔2019〕6号, for companies applying the new financial-instrument, revenue and lease
standards) and for 小企业会计准则 (会小企01表 / 会小企02表). The row labels are the statutory
Chinese texts, like the account names of the standard charts: they are legal wording, not UI
text, so they are not translated.

A row is filled from account balances by code prefix ("1122" takes 1122 and all its
sub-accounts), read in the row's side: "D" = debit minus credit, "C" = credit minus debit. A
contra account (1602 累计折旧, 1231 坏账准备) is simply listed with its asset, because its
credit balance reduces the debit-side sum. Total rows add or subtract other rows by 行次.
`part` rows (其中…) show a breakdown and are left out of every total and of the coverage check;
they are filled where the standard chart has the sub-account (财务费用—利息费用 660301 /
利息收入 660302; small chart 560301/560302) and stay empty otherwise.
"""

from dataclasses import dataclass

D, C = "D", "C"


@dataclass(frozen=True)
class Row:
    line: int | None  # 行次; None for a section heading
    label: str
    side: str = D
    codes: tuple[str, ...] = ()
    total: tuple[int, ...] = ()  # signed 行次 of the rows this total adds (−n subtracts)
    indent: int = 1
    part: bool = False

    @property
    def heading(self) -> bool:
        return self.line is None

    @property
    def is_total(self) -> bool:
        return bool(self.total)


@dataclass(frozen=True)
class Layout:
    key: str  # "balance_sheet" | "income_statement"
    standard: str  # "enterprise" | "small"
    form: str  # 会企01表 …
    title: str
    columns: tuple[str, str]
    left: tuple[Row, ...]
    right: tuple[Row, ...] = ()  # balance sheet: liabilities and equity
    check: tuple[int, int] | None = None  # 行次 that must be equal (资产总计 = 负债和…总计)

    @property
    def rows(self) -> tuple[Row, ...]:
        return self.left + self.right


def head(label: str) -> Row:
    return Row(None, label, indent=0)


def item(line: int, label: str, side: str, *codes: str, part: bool = False) -> Row:
    indent = 0 if label[1:2] == "、" else 2 if part else 1  # 一、营业收入 starts a section
    return Row(line, label, side, codes, indent=indent, part=part)


def total(line: int, label: str, *terms: int, indent: int = 0) -> Row:
    return Row(line, label, total=terms, indent=indent)


def _span(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))


# --- 企业会计准则 ------------------------------------------------------------------------------

ENTERPRISE_INVENTORY = (
    *("1401", "1402", "1403", "1404", "1405", "1406", "1407", "1408", "1411", "1471"),
    *("5001", "5101", "5201"),
)

ENTERPRISE_BS = Layout(
    key="balance_sheet",
    standard="enterprise",
    form="会企01表",
    title="资产负债表",
    columns=("期末余额", "上年年末余额"),
    left=(
        head("流动资产："),
        item(1, "货币资金", D, "1001", "1002", "1012"),
        item(2, "交易性金融资产", D, "1101"),
        item(3, "衍生金融资产", D),
        item(4, "应收票据", D, "1121"),
        item(5, "应收账款", D, "1122", "1231"),
        item(6, "应收款项融资", D),
        item(7, "预付款项", D, "1123"),
        item(8, "其他应收款", D, "1131", "1132", "1221"),
        item(9, "存货", D, *ENTERPRISE_INVENTORY),
        item(10, "合同资产", D),
        item(11, "持有待售资产", D),
        item(12, "一年内到期的非流动资产", D),
        item(13, "其他流动资产", D, "1901"),
        total(14, "流动资产合计", *_span(1, 13)),
        head("非流动资产："),
        item(15, "债权投资", D),
        item(16, "其他债权投资", D),
        item(17, "长期应收款", D, "1531"),
        item(18, "长期股权投资", D, "1511"),
        item(19, "其他权益工具投资", D),
        item(20, "其他非流动金融资产", D),
        item(21, "投资性房地产", D, "1521"),
        item(22, "固定资产", D, "1601", "1602", "1603", "1606"),
        item(23, "在建工程", D, "1604", "1605"),
        item(24, "生产性生物资产", D),
        item(25, "油气资产", D),
        item(26, "使用权资产", D),
        item(27, "无形资产", D, "1701", "1702", "1703"),
        item(28, "开发支出", D, "5301"),
        item(29, "商誉", D, "1711"),
        item(30, "长期待摊费用", D, "1801"),
        item(31, "递延所得税资产", D, "1811"),
        item(32, "其他非流动资产", D),
        total(33, "非流动资产合计", *_span(15, 32)),
        total(34, "资产总计", 14, 33),
    ),
    right=(
        head("流动负债："),
        item(35, "短期借款", C, "2001"),
        item(36, "交易性金融负债", C),
        item(37, "衍生金融负债", C),
        item(38, "应付票据", C, "2201"),
        item(39, "应付账款", C, "2202"),
        item(40, "预收款项", C, "2203"),
        item(41, "合同负债", C),
        item(42, "应付职工薪酬", C, "2211"),
        item(43, "应交税费", C, "2221"),
        item(44, "其他应付款", C, "2231", "2232", "2241"),
        item(45, "持有待售负债", C),
        item(46, "一年内到期的非流动负债", C),
        item(47, "其他流动负债", C),
        total(48, "流动负债合计", *_span(35, 47)),
        head("非流动负债："),
        item(49, "长期借款", C, "2501"),
        item(50, "应付债券", C, "2502"),
        item(51, "其中：优先股", C, part=True),
        item(52, "永续债", C, part=True),
        item(53, "租赁负债", C),
        item(54, "长期应付款", C, "2701", "2702"),
        item(55, "预计负债", C, "2801"),
        item(56, "递延收益", C, "2401"),
        item(57, "递延所得税负债", C, "2901"),
        item(58, "其他非流动负债", C),
        total(59, "非流动负债合计", 49, 50, *_span(53, 58)),
        total(60, "负债合计", 48, 59),
        head("所有者权益（或股东权益）："),
        item(61, "实收资本（或股本）", C, "4001"),
        item(62, "其他权益工具", C),
        item(63, "其中：优先股", C, part=True),
        item(64, "永续债", C, part=True),
        item(65, "资本公积", C, "4002"),
        item(66, "减：库存股", D, "4201"),
        item(67, "其他综合收益", C),
        item(68, "专项储备", C, "4301"),
        item(69, "盈余公积", C, "4101"),
        # Profit not yet carried forward (P&L accounts, 6xxx) belongs here too, so a month
        # before 结转损益 balances as well.
        item(70, "未分配利润", C, "4103", "4104", "6"),
        total(71, "所有者权益（或股东权益）合计", 61, 62, 65, -66, 67, 68, 69, 70),
        total(72, "负债和所有者权益（或股东权益）总计", 60, 71),
    ),
    check=(34, 72),
)

ENTERPRISE_IS = Layout(
    key="income_statement",
    standard="enterprise",
    form="会企02表",
    title="利润表",
    # Monthly report as Chinese software prints it: 本期金额 = the month, 本年累计金额 = the
    # year to the month's end (the statutory annual form's 上期金额 is the prior year).
    columns=("本期金额", "本年累计金额"),
    left=(
        item(1, "一、营业收入", C, "6001", "6051"),
        item(2, "减：营业成本", D, "6401", "6402"),
        item(3, "税金及附加", D, "6403"),
        item(4, "销售费用", D, "6601"),
        item(5, "管理费用", D, "6602"),
        item(6, "研发费用", D),
        item(7, "财务费用", D, "6603"),
        item(8, "其中：利息费用", D, "660301", part=True),
        item(9, "利息收入", C, "660302", part=True),
        item(10, "加：其他收益", C, "6117"),
        item(11, "投资收益（损失以“－”号填列）", C, "6111"),
        item(12, "其中：对联营企业和合营企业的投资收益", C, part=True),
        item(13, "以摊余成本计量的金融资产终止确认收益（损失以“－”号填列）", C, part=True),
        item(14, "净敞口套期收益（损失以“－”号填列）", C),
        item(15, "公允价值变动收益（损失以“－”号填列）", C, "6101"),
        item(16, "信用减值损失（损失以“－”号填列）", C, "6702"),
        item(17, "资产减值损失（损失以“－”号填列）", C, "6701"),
        item(18, "资产处置收益（损失以“－”号填列）", C, "6115"),
        total(
            19,
            "二、营业利润（亏损以“－”号填列）",
            1,
            -2,
            -3,
            -4,
            -5,
            -6,
            -7,
            10,
            11,
            *_span(14, 18),
        ),
        item(20, "加：营业外收入", C, "6301"),
        item(21, "减：营业外支出", D, "6711"),
        total(22, "三、利润总额（亏损总额以“－”号填列）", 19, 20, -21),
        item(23, "减：所得税费用", D, "6801"),
        total(24, "四、净利润（净亏损以“－”号填列）", 22, -23),
        total(25, "（一）持续经营净利润（净亏损以“－”号填列）", 24, indent=1),
        item(26, "（二）终止经营净利润（净亏损以“－”号填列）", C),
        item(27, "五、其他综合收益的税后净额", C),
        total(28, "六、综合收益总额", 24, 27),
    ),
)

# --- 小企业会计准则 ----------------------------------------------------------------------------

SMALL_INVENTORY = (
    *("1401", "1402", "1403", "1404", "1405", "1407", "1408", "1411", "1421"),
    *("4001", "4101", "4401", "4403"),
)

SMALL_BS = Layout(
    key="balance_sheet",
    standard="small",
    form="会小企01表",
    title="资产负债表",
    columns=("期末余额", "年初余额"),
    left=(
        head("流动资产："),
        item(1, "货币资金", D, "1001", "1002", "1012"),
        item(2, "短期投资", D, "1101"),
        item(3, "应收票据", D, "1121"),
        item(4, "应收账款", D, "1122"),
        item(5, "预付账款", D, "1123"),
        item(6, "应收股利", D, "1131"),
        item(7, "应收利息", D, "1132"),
        item(8, "其他应收款", D, "1221"),
        item(9, "存货", D, *SMALL_INVENTORY),
        item(10, "其中：原材料", D, "1403", part=True),
        item(11, "在产品", D, "4001", part=True),
        item(12, "库存商品", D, "1405", part=True),
        item(13, "周转材料", D, "1411", part=True),
        item(14, "其他流动资产", D, "1901"),
        total(15, "流动资产合计", *_span(1, 9), 14),
        head("非流动资产："),
        item(16, "长期债券投资", D, "1501"),
        item(17, "长期股权投资", D, "1511"),
        item(18, "固定资产原价", D, "1601"),
        item(19, "减：累计折旧", C, "1602"),
        total(20, "固定资产账面价值", 18, -19, indent=1),
        item(21, "在建工程", D, "1604"),
        item(22, "工程物资", D, "1605"),
        item(23, "固定资产清理", D, "1606"),
        item(24, "生产性生物资产", D, "1621", "1622"),
        item(25, "无形资产", D, "1701", "1702"),
        item(26, "开发支出", D, "4301"),
        item(27, "长期待摊费用", D, "1801"),
        item(28, "其他非流动资产", D),
        total(29, "非流动资产合计", 16, 17, *_span(20, 28)),
        total(30, "资产总计", 15, 29),
    ),
    right=(
        head("流动负债："),
        item(31, "短期借款", C, "2001"),
        item(32, "应付票据", C, "2201"),
        item(33, "应付账款", C, "2202"),
        item(34, "预收账款", C, "2203"),
        item(35, "应付职工薪酬", C, "2211"),
        item(36, "应交税费", C, "2221"),
        item(37, "应付利息", C, "2231"),
        item(38, "应付利润", C, "2232"),
        item(39, "其他应付款", C, "2241"),
        item(40, "其他流动负债", C),
        total(41, "流动负债合计", *_span(31, 40)),
        head("非流动负债："),
        item(42, "长期借款", C, "2501"),
        item(43, "长期应付款", C, "2701"),
        item(44, "递延收益", C, "2401"),
        item(45, "其他非流动负债", C),
        total(46, "非流动负债合计", *_span(42, 45)),
        total(47, "负债合计", 41, 46),
        head("所有者权益（或股东权益）："),
        item(48, "实收资本（或股本）", C, "3001"),
        item(49, "资本公积", C, "3002"),
        item(50, "盈余公积", C, "3101"),
        item(51, "未分配利润", C, "3103", "3104", "5"),
        total(52, "所有者权益（或股东权益）合计", *_span(48, 51)),
        total(53, "负债和所有者权益（或股东权益）总计", 47, 52),
    ),
    check=(30, 53),
)

SMALL_IS = Layout(
    key="income_statement",
    standard="small",
    form="会小企02表",
    title="利润表",
    columns=("本年累计金额", "本月金额"),
    left=(
        item(1, "一、营业收入", C, "5001", "5051"),
        item(2, "减：营业成本", D, "5401", "5402"),
        item(3, "营业税金及附加", D, "5403"),
        item(4, "其中：消费税", D, part=True),
        item(5, "营业税", D, part=True),
        item(6, "城市维护建设税", D, part=True),
        item(7, "资源税", D, part=True),
        item(8, "土地增值税", D, part=True),
        item(9, "城镇土地使用税、房产税、车船税、印花税", D, part=True),
        item(10, "教育费附加、矿产资源补偿费、排污费", D, part=True),
        item(11, "销售费用", D, "5601"),
        item(12, "其中：商品维修费", D, part=True),
        item(13, "广告费和业务宣传费", D, part=True),
        item(14, "管理费用", D, "5602"),
        item(15, "其中：开办费", D, part=True),
        item(16, "业务招待费", D, part=True),
        item(17, "研究费用", D, part=True),
        item(18, "财务费用", D, "5603"),
        item(19, "其中：利息费用（收入以“-”号填列）", D, "560301", "560302", part=True),
        item(20, "加：投资收益（损失以“-”号填列）", C, "5111"),
        total(21, "二、营业利润（亏损以“-”号填列）", 1, -2, -3, -11, -14, -18, 20),
        item(22, "加：营业外收入", C, "5301"),
        item(23, "其中：政府补助", C, part=True),
        item(24, "减：营业外支出", D, "5711"),
        item(25, "其中：坏账损失", D, part=True),
        item(26, "无法收回的长期债券投资损失", D, part=True),
        item(27, "无法收回的长期股权投资损失", D, part=True),
        item(28, "自然灾害等不可抗力因素造成的损失", D, part=True),
        item(29, "税收滞纳金", D, part=True),
        total(30, "三、利润总额（亏损总额以“-”号填列）", 21, 22, -24),
        item(31, "减：所得税费用", D, "5801"),
        total(32, "四、净利润（净亏损以“-”号填列）", 30, -31),
    ),
)

LAYOUTS: dict[tuple[str, str], Layout] = {
    (layout.standard, layout.key): layout
    for layout in (ENTERPRISE_BS, ENTERPRISE_IS, SMALL_BS, SMALL_IS)
}

# 增值税 sub-accounts of 2221 (same codes in both standard charts).
VAT_INPUT, VAT_OUTPUT, VAT_TRANSFER_OUT = "22210101", "22210102", "22210103"
VAT_INPUT_REVERSED = "22210104"  # 进项税额转出 (credit side: input VAT no longer deductible)
VAT_PAYABLE, VAT_UNPAID = "222101", "222102"
