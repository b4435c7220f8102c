"""What Messenger and Instagram share: Meta's page envelope (`entry[].messaging[]`) and the page Send API."""
