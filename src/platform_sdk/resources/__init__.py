"""One module per URL subtree; each resource class declares its endpoints once."""

from .api_keys import ApiKeys
from .auth import Auth, Sessions
from .categories import Categories
from .health import Health
from .orders import OrderPayments, Orders
from .payments import Payments, Refunds
from .products import ProductInventory, Products
from .users import Profiles, Users

__all__ = [
    "ApiKeys",
    "Auth",
    "Categories",
    "Health",
    "OrderPayments",
    "Orders",
    "Payments",
    "ProductInventory",
    "Products",
    "Profiles",
    "Refunds",
    "Sessions",
    "Users",
]
