"""What ads brought and cost as the owner API gives it (`GET /api/ads`, `GET /api/ads/{id}`): money in major units
of the business's currency, null where a figure is undefined."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.sales.ad_figures import AdFigures, AdsReport
from bot.sales.ad_timeline import CommentFigures
from dashboard.ad_detail import AdDetail


def ad_figures_json(figures: AdFigures) -> dict[str, Any]:
    return {
        "conversations": figures.conversations,
        "leads": figures.leads,
        "sales": figures.sales,
        "revenue": figures.revenue,
        "spend": figures.spend,
        "cost_per_lead": figures.cost_per_lead,
        "cost_per_sale": figures.cost_per_sale,
        "roas": figures.roas,
    }


def comment_figures_json(figures: CommentFigures) -> dict[str, Any]:
    return {"comments": figures.comments, "private_replies": figures.private_replies, **ad_figures_json(figures)}


def ads_json(report: AdsReport, first: date, last: date) -> dict[str, Any]:
    """Every ad and campaign over the days [first, last], and the totals."""
    return {
        "from": first,
        "to": last,
        "currency": report.currency,
        "ads": [
            {
                "ad_id": ad.ad_id,
                "headline": ad.headline,
                "campaign_id": ad.campaign_id,
                "campaign_name": ad.campaign_name,
                **ad_figures_json(ad),
            }
            for ad in report.ads
        ],
        "campaigns": [
            {"campaign_id": campaign.campaign_id, "name": campaign.name, **ad_figures_json(campaign)}
            for campaign in report.campaigns
        ],
        "totals": ad_figures_json(report.totals),
    }


def ad_detail_json(detail: AdDetail, first: date, last: date) -> dict[str, Any]:
    """One ad or post per day over [first, last], and the period's totals."""
    timeline = detail.timeline
    return {
        "id": detail.id,
        "kind": detail.kind,
        "headline": detail.headline,
        "from": first,
        "to": last,
        "currency": timeline.currency,
        "days": [{"day": day.day, **comment_figures_json(day)} for day in timeline.days],
        "totals": comment_figures_json(timeline.totals),
    }
