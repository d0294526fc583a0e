"""The gateway: what every request passes before a domain sees it (client address,
rate limits, security headers, CORS). Shared plumbing: imports no domain."""
