"""Each tenant's knowledge base: profile, campaigns (the catalog), documents, retrieval and catalog facts.

Imports nothing else of the platform; every function takes the database handle and the tenant id.
"""
