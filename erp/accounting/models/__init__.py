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
from .expenses import ExpenseCategory, ExpenseClaim, ExpenseClaimLine, ExpenseClaimState  # noqa: F401
from .arap import CustomerReceipt, CustomerReceiptLine, OpenItem, OpenItemKind, OpenItemState, SettlementState, SupplierPayment, SupplierPaymentLine  # noqa: F401,E501
