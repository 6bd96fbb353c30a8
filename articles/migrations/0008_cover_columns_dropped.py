"""The covers' old columns go; the library reference takes their name."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_covers_into_library"),
    ]

    operations = [
        migrations.RemoveField(model_name="article", name="cover_image"),
        migrations.RemoveField(model_name="article", name="cover_image_alt"),
        migrations.RemoveField(model_name="article", name="cover_image_caption"),
        migrations.RemoveField(model_name="article", name="cover_image_height"),
        migrations.RemoveField(model_name="article", name="cover_image_width"),
        migrations.RenameField(
            model_name="article", old_name="cover_image_new", new_name="cover_image"
        ),
    ]
