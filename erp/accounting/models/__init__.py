from .accounts import Account, AccountCategory, AccountPurpose, Direction
from .periods import AccountPeriodBalance, Period
from .rules import PostingEvent, PostingRule
from .vouchers import Voucher, VoucherLine, VoucherSequence, VoucherWord

__all__ = [
    "Account",
    "AccountCategory",
    "AccountPeriodBalance",
    "AccountPurpose",
    "Direction",
    "Period",
    "PostingEvent",
    "PostingRule",
    "Voucher",
    "VoucherLine",
    "VoucherSequence",
    "VoucherWord",
]
from .arap import (  # noqa: F401
    CustomerReceipt,
    CustomerReceiptLine,
    OpenItem,
    OpenItemKind,
    OpenItemState,
    SettlementState,
    SupplierPayment,
    SupplierPaymentLine,
)
from .expenses import (  # noqa: F401
    ExpenseCategory,
    ExpenseClaim,
    ExpenseClaimLine,
    ExpenseClaimState,
    InvoiceType,
)
