from __future__ import annotations

from rest_framework import serializers

from ..models import Comment


class CommentSerializer(serializers.ModelSerializer):
    """A comment as readers see it: never the commenter's email or IP hash."""

    parent_id = serializers.IntegerField(allow_null=True, help_text="The comment replied to.")

    class Meta:
        model = Comment
        fields = ("id", "parent_id", "author_name", "body_html", "created_at")
        read_only_fields = fields
