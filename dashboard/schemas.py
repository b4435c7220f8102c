"""Request bodies of the owner API that are the dashboard's own (knowledge and channels bring theirs)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SignupIn(_Body):
    email: EmailStr = Field(max_length=254)
    password: str = Field(min_length=8, max_length=1024)
    business_name: str = Field(min_length=1, max_length=200)


class LoginIn(_Body):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)
