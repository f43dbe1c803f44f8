"""socorg scorecard-add FILE.json --kind star|evaluation --code CODE --name NAME --first-cycle YEAR [--note TEXT]

Adds a version of a deployment scorecard from a JSON definition (format: socorg/ratings/scorecards.py,
docs/ratings.md), validated like every version: points that do not add up, unknown measures, thresholds out of
order are refused with every problem listed and nothing saved. `socorg scorecard-add --show-default star` prints the
shipped default to start from."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from socorg.core.audit import SYSTEM
from socorg.ratings.scorecards import DEFAULT_STAR_DEFINITION, EVALUATION_PRESETS
from socorg.ratings.services import scorecard_create


class Command(BaseCommand):
    help = _("Add a version of a deployment scorecard from a JSON file.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help=_("the JSON definition"))
        parser.add_argument("--kind", choices=["star", "evaluation"], default="star", help=_("scorecard kind"))
        parser.add_argument("--code", default="", help=_("the scorecard's code; a new version if it exists"))
        parser.add_argument("--name", default="", help=_("the scorecard's name"))
        parser.add_argument("--first-cycle", type=int, default=0, help=_("the first year it applies to"))
        parser.add_argument("--note", default="", help=_("a note (the document it follows)"))
        parser.add_argument("--show-default", choices=["star", *EVALUATION_PRESETS], default=None,
                            help=_("print a shipped definition and exit"))

    def handle(self, *args, file, kind, code, name, first_cycle, note, show_default, **options):
        if show_default:
            definition = DEFAULT_STAR_DEFINITION if show_default == "star" else \
                EVALUATION_PRESETS[show_default]["definition"]
            self.stdout.write(json.dumps(definition, ensure_ascii=False, indent=1))
            return
        if not file:
            raise CommandError(_("Name the JSON file of the definition."))
        try:
            definition = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(_("Cannot read %(file)s as JSON: %(error)s") % {"file": file, "error": error}) from None

        try:
            scorecard = scorecard_create(kind=kind, code=code, name=name, first_cycle=first_cycle,
                                         definition=definition, note=note, actor=SYSTEM)
        except ValidationError as error:
            lines = [f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages]
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(_("Scorecard %(name)s saved as version %(version)d, from %(first)d.")
                          % {"name": scorecard.name, "version": scorecard.version, "first": scorecard.first_cycle})
