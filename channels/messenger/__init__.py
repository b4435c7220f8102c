"""Facebook Messenger: a Facebook Page's conversations (`object: page`)."""
