"""Commands that write outside the data (site, export, release, chart, docs, fmt) never delete or overwrite a file
they did not write; a refusal exits 2 and leaves every file byte-identical."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import package_hashes, read_rows, write_rows
from rcmc.cli import cli
from rcmc.outdir import MARKER
from rcmc.records import remove_row
from rcmc.site import build_site


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def tree(folder: Path) -> dict[str, object]:
    """Every file (its bytes), link (its target) and folder under `folder`, to prove nothing changed."""
    found: dict[str, object] = {}
    for directory, names, files in os.walk(folder):
        for name in [*names, *files]:
            path = Path(directory) / name
            key = str(path.relative_to(folder))
            if path.is_symlink():
                found[key] = f"link to {os.readlink(path)}"
            elif path.is_dir():
                found[key] = "folder"
            else:
                found[key] = path.read_bytes()
    return found


def user_files(folder: Path) -> Path:
    """A folder of someone's own work that happens to use the names a site or export writes."""
    for relative, text in {
        "notes.txt": "my notes",
        "tables/budget.csv": "a,b\n1,2\n",
        "rows/draft.md": "draft",
        "charts/mine.svg": "<svg/>",
        "assets/logo.png": "png",
        "downloads/thesis.docx": "precious",
        "json/mine.json": "{}",
        "csv/data.csv": "x\n",
    }.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text)
    return folder


def manifest(folder: Path) -> list[str]:
    return json.loads((folder / MARKER).read_text())["files"]


def refused(result, folder: Path) -> None:
    assert result.exit_code == 2, result.output
    assert str(folder) in result.output and "choose an empty or new folder" in result.output, result.output
    assert "Traceback" not in result.output


def refused_untouched(folder: Path, *args: str, saying: str = ""):
    """Run `rcmc *args`, which must refuse `folder` (with `saying` in its message) and leave every file in it as it was."""
    before = tree(folder)
    result = run(*args)
    refused(result, folder)
    assert saying in result.output
    assert tree(folder) == before
    return result


# rcmc site


def test_site_refuses_a_non_empty_folder_it_did_not_make(package: Path, tmp_path: Path) -> None:
    out = user_files(tmp_path / "home")
    refused_untouched(out, "site", "--out", str(out), "--package", str(package), saying="not made by rcmc site")


def test_site_out_dot_refuses_the_current_folder(package: Path, tmp_path: Path, monkeypatch) -> None:
    home = user_files(tmp_path / "home")
    monkeypatch.chdir(home)
    before = tree(home)
    result = run("site", "--out", ".", "--package", str(package))
    assert result.exit_code == 2 and "choose an empty or new folder" in result.output
    assert tree(home) == before


def test_site_builds_into_a_new_or_empty_folder_and_marks_it(package: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "new" / "site", tmp_path / "empty"):
        result = run("site", "--out", str(out), "--package", str(package))
        assert result.exit_code == 0, result.output
        on_disk = sorted(k for k, v in tree(out).items() if v != "folder" and k != MARKER)
        assert manifest(out) == on_disk and "index.html" in on_disk and "downloads/SHA256SUMS" in on_disk
        assert not [name for name in os.listdir(out) if name.startswith(".rcmc-staging-")]


def test_site_rebuild_replaces_only_what_the_last_build_wrote(package: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(out, package)
    (out / "CNAME").write_text("data.example.org")
    (out / "rows" / "exercises" / "my-comment.txt").write_text("keep me")
    (out / "downloads" / "extra.pdf").write_text("keep me too")
    mine = {k: v for k, v in tree(out).items() if k in ("CNAME", "rows/exercises/my-comment.txt", "downloads/extra.pdf")}
    remove_row("security-belt-2019", package)
    build_site(out, package)
    after = tree(out)
    assert {k: after.get(k) for k in mine} == mine
    assert "rows/exercises/security-belt-2019.html" not in after and "rows/exercises/joint-sea-2019.html" in after
    assert set(mine).isdisjoint(manifest(out))
    assert sorted(k for k, v in after.items() if v != "folder" and k != MARKER and k not in mine) == manifest(out)


def test_site_refuses_a_new_file_landing_on_a_file_it_did_not_write(package: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(out, package)
    marker = out / MARKER
    listed = json.loads(marker.read_text())
    listed["files"].remove("codebook.html")  # as if someone wrote their own codebook.html
    marker.write_text(json.dumps(listed))
    refused_untouched(out, "site", "--out", str(out), "--package", str(package), saying="codebook.html")


def test_site_never_deletes_or_writes_through_a_symbolic_link(package: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(out, package)
    elsewhere = tmp_path / "elsewhere"
    (out / "rows").rename(elsewhere)
    (elsewhere / "exercises" / "joint-sea-2019.html").write_text("my edited copy")
    (out / "rows").symlink_to(elsewhere)
    before, outside = tree(out), tree(elsewhere)
    result = run("site", "--out", str(out), "--package", str(package))
    refused(result, out)
    assert "symbolic link" in result.output
    assert tree(out) == before and tree(elsewhere) == outside


@pytest.mark.parametrize("content", ["not json", json.dumps({"kind": "site", "files": ["../outside.txt"]})])
def test_site_refuses_a_marker_it_cannot_trust(package: Path, tmp_path: Path, content: str) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / MARKER).write_text(content)
    (tmp_path / "outside.txt").write_text("mine")
    before, outside = tree(out), (tmp_path / "outside.txt").read_text()
    refused(run("site", "--out", str(out), "--package", str(package)), out)
    assert tree(out) == before and (tmp_path / "outside.txt").read_text() == outside


def test_site_refuses_an_export_folder(package: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert run("export", "--format", "json", "--out", str(out), "--package", str(package)).exit_code == 0
    refused_untouched(out, "site", "--out", str(out), "--package", str(package), saying="rcmc export, not rcmc site")


# rcmc export and rcmc release


def test_export_refuses_a_folder_of_someone_elses_files_named_like_artifacts(package: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for name, text in {"json/mine.json": "{}", "csv/data.csv": "x\n", "SHA256SUMS": "mine"}.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    refused_untouched(out, "export", "--format", "all", "--out", str(out), "--package", str(package))


def test_export_again_keeps_other_formats_and_files_it_did_not_write(package: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert run("export", "--format", "csv", "--out", str(out), "--package", str(package)).exit_code == 0
    assert run("export", "--format", "json", "--out", str(out), "--package", str(package)).exit_code == 0
    (out / "csv" / "README-mine.txt").write_text("keep me")
    remove_row("security-belt-2019", package)
    result = run("export", "--format", "csv", "--out", str(out), "--package", str(package))
    assert result.exit_code == 0, result.output
    assert (out / "csv" / "README-mine.txt").read_text() == "keep me"
    assert (out / "json" / "exercises.json").exists()
    assert "security-belt-2019" not in (out / "csv" / "data" / "exercises.csv").read_text()
    assert "csv/README-mine.txt" not in manifest(out) and "json/exercises.json" in manifest(out)


def test_export_all_then_one_format_drops_the_stale_bundle(package: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert run("export", "--format", "all", "--out", str(out), "--package", str(package)).exit_code == 0
    assert run("export", "--format", "json", "--out", str(out), "--package", str(package)).exit_code == 0
    assert not (out / "SHA256SUMS").exists() and not (out / "russia-china-military-cooperation-0.2.0.zip").exists()
    assert not (out / "README.md").exists() and not (out / "CITATION.cff").exists()
    assert (out / "parquet" / "exercises.parquet").exists()


def test_release_refuses_an_unusable_out_before_writing_anything(package: Path, tmp_path: Path) -> None:
    out = user_files(tmp_path / "dist")
    before_package, before_out = package_hashes(package), tree(out)
    result = run("release", "--package", str(package), "--out", str(out))
    refused(result, out)
    assert package_hashes(package) == before_package and tree(out) == before_out


# rcmc chart


@pytest.mark.parametrize("suffix", [".svg", ".png", ".html"])
def test_chart_never_overwrites_a_file_it_did_not_write(package: Path, tmp_path: Path, suffix: str) -> None:
    (tmp_path / "figures").mkdir()
    target = tmp_path / "figures" / f"figure{suffix}"
    target.write_bytes(b"my own figure")
    args = ["chart", "exercises-per-year", "--out", str(target), "--package", str(package)]
    result = run(*args)
    assert result.exit_code == 2 and "not a chart written by rcmc" in result.output and "--force" in result.output
    assert target.read_bytes() == b"my own figure" and os.listdir(target.parent) == [target.name]
    assert run(*args, "--force").exit_code == 0 and target.read_bytes() != b"my own figure"
    again = run(*args)
    assert again.exit_code == 0, again.output


def test_chart_refuses_a_symbolic_link(package: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.svg"
    real.write_text("<svg>mine</svg>")
    (tmp_path / "link.svg").symlink_to(real)
    result = run("chart", "exercises-per-year", "--out", str(tmp_path / "link.svg"), "--package", str(package))
    assert result.exit_code == 2 and real.read_text() == "<svg>mine</svg>"


# rcmc docs


def test_docs_writes_only_its_codebook_files(package: Path, tmp_path: Path) -> None:
    out = user_files(tmp_path / "notes")
    before = tree(out)
    assert run("docs", "--package", str(package), "--out", str(out)).exit_code == 0
    after = tree(out)
    assert set(after) - set(before) == {"codebook.md", "codebook.html", "coverage.md"}
    assert {k: after[k] for k in before} == before
    assert run("docs", "--package", str(package), "--out", str(out)).exit_code == 0  # its own files: replaced


@pytest.mark.parametrize("name", ["codebook.md", "codebook.html", "coverage.md"])
def test_docs_refuses_a_codebook_it_did_not_generate(package: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    (out / name).write_text("my own codebook")
    before = tree(out)
    result = run("docs", "--package", str(package), "--out", str(out))
    assert result.exit_code == 2 and "not generated by rcmc docs" in result.output
    assert tree(out) == before


# rcmc fmt


def test_fmt_rewrites_only_the_package_tables(package: Path) -> None:
    (package / "README.md").write_text("notes\n")
    extra = package / "data" / "scratch.csv"
    extra.write_text("b,a\n2,1\n1,2\r\n")
    sources = package / "data" / "sources.csv"
    rows = read_rows(sources)
    write_rows(sources, [rows[0], *reversed(rows[1:])])
    before = package_hashes(package)
    assert run("fmt", "--package", str(package)).output == "reformatted data/sources.csv\n"
    after = package_hashes(package)
    assert {k for k in before if before[k] != after[k]} == {"data/sources.csv"} and set(after) == set(before)


@pytest.mark.parametrize("absolute", [False, True])
def test_tables_outside_the_package_folder_are_refused(package: Path, tmp_path: Path, absolute: bool) -> None:
    outside = tmp_path / "outside.csv"
    rows = read_rows(package / "data" / "sources.csv")
    write_rows(outside, [rows[0], *reversed(rows[1:])])  # not canonical: an old `rcmc fmt` rewrote it
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["resources"][3]["path"] = str(outside) if absolute else "../outside.csv"
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    before, outside_before = package_hashes(package), outside.read_bytes()
    for command in (["fmt"], ["add", "sources", "--json", "-"]):
        result = CliRunner().invoke(cli, [*command, "--package", str(package)], input="{}")
        assert result.exit_code == 2 and "must be a relative path inside the package folder" in result.output
    assert package_hashes(package) == before and outside.read_bytes() == outside_before
