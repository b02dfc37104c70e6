"""pip's configuration rules, reproduced: which files, in which order, and what overrides what."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fletlint.linter.index.pipconfig import (
    PipConfigError,
    PipIndexConfig,
    read_pip_index_config,
    sources_from_pip_config,
)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    """Where each kind of config file lives for this test (global, legacy/new user, site)."""
    return {
        "xdg_dirs": tmp_path / "xdg-dirs",
        "home": tmp_path / "home",
        "config_home": tmp_path / "config-home",
        "prefix": tmp_path / "prefix",
    }


def _env(layout: dict[str, Path], **extra: str) -> dict[str, str]:
    env = {
        "HOME": str(layout["home"]),
        "XDG_CONFIG_HOME": str(layout["config_home"]),
        "XDG_CONFIG_DIRS": str(layout["xdg_dirs"]),
    }
    env.update(extra)
    return env


def test_devnull_disables_every_file(layout: dict[str, Path]) -> None:
    _write(layout["config_home"] / "pip" / "pip.conf", "[global]\nindex-url = http://user/\n")
    config = read_pip_index_config(
        _env(layout, PIP_CONFIG_FILE=os.devnull), prefix=layout["prefix"]
    )
    assert config == PipIndexConfig()


def test_real_world_user_config_is_honoured(layout: dict[str, Path]) -> None:
    # The shape of this machine's ~/.config/pip/pip.conf.
    user = _write(
        layout["config_home"] / "pip" / "pip.conf",
        "[global]\nfind-links = /opt/wheels\n"
        "extra-index-url = file:///opt/pypi/simple file:///opt/pypi-more/simple\n",
    )
    config = read_pip_index_config(_env(layout), prefix=layout["prefix"])
    assert config.index_url is None
    assert config.extra_index_urls == ("file:///opt/pypi/simple", "file:///opt/pypi-more/simple")
    assert config.find_links == ("/opt/wheels",)
    assert user in config.files_read

    sources = sources_from_pip_config(config)
    assert [(s.url, s.kind) for s in sources] == [
        ("https://pypi.org/simple/", "simple"),
        ("file:///opt/pypi/simple/", "simple"),
        ("file:///opt/pypi-more/simple/", "simple"),
        ("file:///opt/wheels", "find-links"),
    ]


def test_file_precedence_and_sections(layout: dict[str, Path], tmp_path: Path) -> None:
    glob = _write(
        layout["xdg_dirs"] / "pip" / "pip.conf",
        "[global]\nindex-url = http://global/\nextra-index-url = http://g1/\n"
        "[install]\nfind-links = /global-links\n",
    )
    legacy = _write(layout["home"] / ".pip" / "pip.conf", "[global]\nindex-url = http://legacy/\n")
    user = _write(
        layout["config_home"] / "pip" / "pip.conf",
        "[global]\nindex-url = http://user/\nfind-links = /user-links\n",
    )
    site = _write(
        layout["prefix"] / "pip.conf",
        "[global]\nextra-index-url =\n    http://s1/\n    http://s2/\n[freeze]\nindex-url = x\n",
    )
    config = read_pip_index_config(_env(layout), prefix=layout["prefix"])
    assert config.index_url == "http://user/"  # user beats legacy user beats global
    assert config.extra_index_urls == ("http://s1/", "http://s2/")  # site beats global
    # [install] in any file beats [global] in every file, exactly as pip applies them.
    assert config.find_links == ("/global-links",)
    read = [p for p in config.files_read if str(p).startswith(str(tmp_path))]
    assert read == [glob, legacy, user, site]


def test_pip_config_file_wins_and_hides_user_files(layout: dict[str, Path], tmp_path: Path) -> None:
    _write(layout["config_home"] / "pip" / "pip.conf", "[global]\nextra-index-url = http://u/\n")
    _write(layout["prefix"] / "pip.conf", "[global]\nindex-url = http://site/\n")
    env_file = _write(tmp_path / "env.conf", "[install]\nindex-url = http://env/\nno-index = no\n")
    config = read_pip_index_config(
        _env(layout, PIP_CONFIG_FILE=str(env_file)), prefix=layout["prefix"]
    )
    assert config.index_url == "http://env/"
    assert config.extra_index_urls == ()  # user files are skipped when PIP_CONFIG_FILE exists
    assert config.files_read[-1] == env_file
    assert not config.no_index


def test_environment_variables_override_files(layout: dict[str, Path]) -> None:
    _write(
        layout["config_home"] / "pip" / "pip.conf",
        "[install]\nindex-url = http://file/\nextra-index-url = http://file-extra/\n",
    )
    env = _env(
        layout,
        PIP_INDEX_URL="https://user:tok@mirror.example/simple",
        PIP_EXTRA_INDEX_URL="http://a/ http://b/",
        PIP_FIND_LINKS="/x /y",
        PIP_NO_INDEX="1",
    )
    config = read_pip_index_config(env, prefix=layout["prefix"])
    assert config.index_url == "https://user:tok@mirror.example/simple"
    assert config.extra_index_urls == ("http://a/", "http://b/")
    assert config.find_links == ("/x", "/y")
    assert config.no_index
    # no-index keeps only find-links; local paths become file:// URLs.
    assert [(s.url, s.kind) for s in sources_from_pip_config(config)] == [
        ("file:///x", "find-links"),
        ("file:///y", "find-links"),
    ]
    named = sources_from_pip_config(PipIndexConfig(index_url=config.index_url))
    assert named[0].name == "https://***@mirror.example/simple/"
    assert named[0].url == "https://user:tok@mirror.example/simple/"


def test_broken_file_names_the_file(layout: dict[str, Path]) -> None:
    bad = _write(layout["config_home"] / "pip" / "pip.conf", "index-url = no section header\n")
    with pytest.raises(PipConfigError, match=str(bad)):
        read_pip_index_config(_env(layout), prefix=layout["prefix"])
    _write(bad, "[global]\nno-index = perhaps\n")
    with pytest.raises(PipConfigError, match="no-index"):
        read_pip_index_config(_env(layout), prefix=layout["prefix"])


def test_constraint_files_from_config_and_environment(layout: dict[str, Path]) -> None:
    # The shape of this machine's /etc/xdg/pip/pip.conf: a constraint file for every install.
    _write(
        layout["config_home"] / "pip" / "pip.conf",
        "[global]\nconstraint = /etc/xdg/pip/constraints.txt\n",
    )
    config = read_pip_index_config(_env(layout), prefix=layout["prefix"])
    assert config.constraints == ("/etc/xdg/pip/constraints.txt",)
    env = {**_env(layout), "PIP_CONSTRAINT": "a.txt b.txt"}
    assert read_pip_index_config(env, prefix=layout["prefix"]).constraints == ("a.txt", "b.txt")
