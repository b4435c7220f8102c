"""WhatsApp Cloud API: a business phone number's conversations (`object: whatsapp_business_account`)."""
