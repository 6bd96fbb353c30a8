from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cms.api.fields import NOT_BLANK_NOR_NUL, ClosedSerializer, StrictCharField

from ..models import Comment, CommentStatus
from ..services import MAX_BODY_LENGTH, MAX_NAME_LENGTH


class CommentSerializer(serializers.ModelSerializer):
    """A comment as readers see it: never the commenter's email or IP hash."""

    parent_id = serializers.IntegerField(allow_null=True, help_text="The comment replied to.")

    class Meta:
        model = Comment
        fields = ("id", "parent_id", "author_name", "body_html", "created_at")
        read_only_fields = fields


class CommentSubmissionSerializer(ClosedSerializer):
    """A reader's comment. Lengths and formats are checked by the service, which answers
    with field errors; this only shapes the input and refuses fields it does not know."""

    author_name = StrictCharField(allow_blank=True, trim_whitespace=False)
    author_email = StrictCharField(allow_blank=True)
    body = StrictCharField(allow_blank=True, trim_whitespace=False)
    parent_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    website = StrictCharField(
        required=False, allow_blank=True, help_text="Leave empty: a field for bots only."
    )
    form_token = StrictCharField(
        required=False, help_text="The form_token given with the comments list."
    )
    commenter_token = StrictCharField(
        required=False,
        help_text="The commenter_token answered to this reader's last comment, if kept.",
    )

    unknown_field_message = "This field is not accepted."
    documented_rules = {
        "author_name": {"pattern": NOT_BLANK_NOR_NUL, "maxLength": MAX_NAME_LENGTH},
        "author_email": {"format": "email"},
        "body": {
            "pattern": NOT_BLANK_NOR_NUL,
            "maxLength": MAX_BODY_LENGTH,
            "description": "HTML or text; nothing must be left empty once sanitised.",
        },
    }


class SubmittedCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=["pending", "approved"], help_text="Spam is answered as pending."
    )
    commenter_token = serializers.CharField(
        help_text="Keep it and send it with this reader's next comment."
    )


class ModeratedCommentSerializer(serializers.ModelSerializer):
    """A comment as moderators see it over the API (still never the email or the IP hash)."""

    article: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    parent_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Comment
        fields = (
            "id",
            "article",
            "parent_id",
            "author_name",
            "body_html",
            "status",
            "spam_reason",
            "created_at",
            "moderated_at",
        )
        read_only_fields = fields


class ModerationInputSerializer(ClosedSerializer):
    """A moderator's decision on one comment."""

    status = serializers.ChoiceField(choices=CommentStatus.choices)

    partial_on_patch = False  # a PATCH must name the status
