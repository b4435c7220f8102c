"""The owner API's JSON shapes, one module per resource, built from the typed values the domain returns.

Only this package turns a domain value into the dict the API answers (and the pages render): the domain rooms
return models and never know the API's field names, units or time formats.
"""
