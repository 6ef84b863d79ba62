"""The registry: everything the installed plugins provide, loaded and checked once.

Build one :class:`Registry` (from a plugin manager, or the installed plugins by default) and
pass it to every stage call. Programmes, forms and directories are read from the plugins'
files on first use and kept, so a long-running service reads and validates each file once.
There is no global registry: two registries with different plugins live side by side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from shopperkit.errors import InputError, ProgrammeError
from shopperkit.model.forms import Form
from shopperkit.model.programme import Programme
from shopperkit.model.services import Directory
from shopperkit.plugins import PluginManager, Plugins


class Registry:
    """Programmes, forms, directories, rules and messages of one set of plugins, cached."""

    def __init__(self, plugins: Plugins | PluginManager | None = None) -> None:
        """``plugins``: a :class:`Plugins` facade or a plugin manager; the installed plugins
        when left out."""
        if isinstance(plugins, Plugins):
            self.plugins = plugins
        else:
            self.plugins = Plugins(plugins)
        self._programmes: dict[str, tuple[str, Programme]] | None = None
        self._forms: dict[str, tuple[str, Form]] | None = None
        self._files: dict[str, Programme] = {}
        self._directories: dict[str, Directory | None] = {}

    def programmes(self) -> dict[str, tuple[str, Programme]]:
        """Every programme the plugins provide: id -> (plugin, programme)."""
        if self._programmes is None:
            from shopperkit.programmes import available_programmes

            self._programmes = available_programmes(self.plugins)
        return self._programmes

    def programme(self, name: str | Path | Programme) -> Programme:
        """A programme by id, or read from the path of its file; a programme passes through."""
        if isinstance(name, Programme):
            return name
        from shopperkit.programmes import is_programme_path, load_programme

        if isinstance(name, Path) or is_programme_path(name):
            key = str(name)
            if key not in self._files:
                self._files[key] = load_programme(Path(name), lookup=self.installed_programme)
            return self._files[key]
        return self.installed_programme(name)

    def installed_programme(self, name: str) -> Programme:
        """The programme with id ``name`` from the plugins (never a file)."""
        known = self.programmes()
        if name not in known:
            raise ProgrammeError("programme_unknown", {"name": name, "known": sorted(known)})
        return known[name][1]

    def programme_from_data(
        self, data: Mapping[str, Any], *, where: str = "programme"
    ) -> Programme:
        """A programme from a parsed programme document, in memory; one that ``extends``
        another is built on the installed programme of that id."""
        from shopperkit.programmes import programme_from_data

        return programme_from_data(data, where=where, lookup=self.installed_programme)

    def provider(self, programme: str | Programme) -> str | None:
        """The plugin that provides ``programme``; None for a programme read from a file."""
        name = programme.id if isinstance(programme, Programme) else programme
        known = self.programmes()
        if name in known and (not isinstance(programme, Programme) or known[name][1] is programme):
            return known[name][0]
        return None

    def all_forms(self) -> dict[str, tuple[str, Form]]:
        """Every form the plugins provide: id -> (plugin, form)."""
        if self._forms is None:
            from shopperkit.forms.load import available_forms

            self._forms = available_forms(self.plugins)
        return self._forms

    def form(self, name: str | Path | Form) -> Form:
        """A form by id, or read from the path of its file; a form passes through."""
        if isinstance(name, Form):
            return name
        from shopperkit.forms.load import is_form_path, load_form

        if isinstance(name, Path) or is_form_path(name):
            return load_form(Path(name))
        known = self.all_forms()
        if name not in known:
            raise InputError("form_unknown", {"name": name, "known": sorted(known)})
        return known[name][1]

    def forms(self, programme: str | Programme) -> tuple[Form, ...]:
        """The forms shipped by the plugin that provides ``programme``, in id order."""
        plugin = self.provider(programme)
        name = programme.id if isinstance(programme, Programme) else programme
        if plugin is None:
            known = sorted(self.programmes())
            raise ProgrammeError("programme_unknown", {"name": name, "known": known})
        forms = tuple(
            form for _, (owner, form) in sorted(self.all_forms().items()) if owner == plugin
        )
        if not forms:
            raise InputError("form_unknown", {"name": f"{name} (any)", "known": []})
        return forms

    def forms_named(self, names: Iterable[str]) -> tuple[Form, ...]:
        """The installed forms among ``names`` (say, the forms scored evaluations name), in id
        order; a name no plugin provides is left out."""
        known = self.all_forms()
        return tuple(known[name][1] for name in sorted(set(names)) if name in known)

    def directory(self, programme: str | Programme) -> Directory | None:
        """The directory of entities, services and centres shipped with ``programme``'s
        plugin; None when it ships none."""
        name = programme.id if isinstance(programme, Programme) else programme
        if name not in self._directories:
            plugin = self.provider(programme)
            sources = self.plugins.directory_sources().get(plugin, []) if plugin else []
            if len(sources) > 1:
                raise InputError("directory_ambiguous", {"programme": name, "count": len(sources)})
            if sources:
                from shopperkit.io.operations import read_directory

                self._directories[name] = read_directory(sources[0])
            else:
                self._directories[name] = None
        return self._directories[name]


__all__ = ["Registry"]
