"""Route modules of the owner API; each exposes `routes`, an aiohttp RouteTableDef."""
