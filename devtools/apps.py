from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """The demo publication, local logins and the benchmark: developers' tools, not the product.

    Installed by the local, test and benchmark settings only; production settings leave it out,
    so none of its commands or URLs exist there.
    """

    name = "devtools"
    verbose_name = "Developer tools"
