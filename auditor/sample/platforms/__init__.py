"""The seven site platforms of the sample and their registry by ground-truth name."""

from __future__ import annotations

from auditor.sample.platforms.base import Platform
from auditor.sample.platforms.dotnetnuke import DotNetNuke
from auditor.sample.platforms.drupal import Drupal
from auditor.sample.platforms.liferay import Liferay
from auditor.sample.platforms.news_cms import NewsCms
from auditor.sample.platforms.nukeviet import NukeViet
from auditor.sample.platforms.plain_php import PlainPhp
from auditor.sample.platforms.portal_pages import PortalPages

__all__ = ["PLATFORM_CLASSES", "Platform"]

PLATFORM_CLASSES: dict[str, type[Platform]] = {
    cls.name: cls for cls in (PortalPages, Liferay, NukeViet, DotNetNuke, Drupal, PlainPhp, NewsCms)
}
