"""Occasions' pages and their budgets: a wedding, a festival, a trip, with sub-budgets per
category or per gift recipient and a gift board. The Occasion, Recipient and Stage models are the
ledger's (expenses.models); this package holds what is built on them: services, selectors, forms,
views, urls, and the wedding template's shares (`wedding`)."""
