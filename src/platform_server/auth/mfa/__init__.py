"""TOTP second factor of the auth domain: enrolment, recovery codes, the login challenge."""
