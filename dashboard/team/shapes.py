"""Shapes of the team API: the people of a business, invitations, a removal."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from dashboard.api.operations import Out

RoleName = Literal["owner", "agent"]


class InviteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: EmailStr = Field(max_length=254, description="where the salesperson reads email; they log in with it")
    role: Literal["agent"] = Field(
        default="agent", description="agent: inbox, conversations, take over, reply, release, record a sale, leads"
    )


class MemberOut(Out):
    id: str
    email: str
    role: RoleName
    joined_at: datetime


class OpenInviteOut(Out):
    id: str
    email: str
    role: Literal["agent"]
    created_at: datetime
    expires_at: datetime


class TeamOut(Out):
    members: list[MemberOut] = Field(description="everyone who logs in to the business, the owner first")
    invites: list[OpenInviteOut] = Field(description="invitations whose link still works")


class NewInviteOut(Out):
    id: str
    email: str
    role: Literal["agent"]
    invite_url: str = Field(description="works once, until expires_at; shown in this answer only")
    expires_at: datetime
    emailed: bool = Field(description="whether the link also went out by email (only with SMTP set up)")


class RemovedOut(Out):
    removed: bool
    sessions_ended: int
    tokens_revoked: int
