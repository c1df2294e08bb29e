"""The upload service: type from content, clean images, atomic writes, no orphans, guarded downloads."""
import hashlib
import io
import pathlib
import struct
import zipfile
import zlib

import pytest
from flask_login import login_user
from PIL import ExifTags, Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from qms import create_app
from qms.norms import registry
from qms.permissions import Role
from qms.uploads import services
from qms.uploads.models import StoredFile
from qms.uploads.services import UploadRejected

ALL = {"pdf", "docx", "xlsx", "odt", "image"}

TINY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
            b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
            b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n166\n%%EOF\n")

DOCX_TYPES = ('<?xml version="1.0" encoding="UTF-8"?>'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/word/document.xml" ContentType="{main}"/></Types>')
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def make_docx(main_type: str = DOCX_MAIN, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES.format(main=main_type))
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                                              'wordprocessingml/2006/main"><w:body/></w:document>')
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def make_odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def make_image(fmt: str = "PNG", size=(40, 20), exif=None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))
    image.save(buffer, format=fmt, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def jpeg_with_gps(fmt: str = "JPEG") -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored sideways: viewers rotate 90° clockwise
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 22.0, 1.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 53.0, 2.25)
    return make_image(fmt, size=(40, 20), exif=exif)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims enormous dimensions in a few bytes: the shape of a decompression bomb."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


def upload(data: bytes, name: str, client_type: str = "application/octet-stream", **kwargs) -> StoredFile:
    kwargs.setdefault("allowed", ALL)
    return services.store(FileStorage(io.BytesIO(data), filename=name, content_type=client_type), **kwargs)


def files_in(app) -> list[pathlib.Path]:
    root = pathlib.Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def stored_bytes(app, stored: StoredFile) -> bytes:
    """The file's bytes where the service keeps it (still its temporary name before the commit)."""
    return services.path_of(stored).read_bytes()


def count_records(db) -> int:
    return db.session.scalar(select(func.count()).select_from(StoredFile))


@pytest.fixture
def ctx(app, db):
    with app.test_request_context():
        yield


# --- accepted files ---------------------------------------------------------------------------

def test_pdf_is_stored_with_its_hash(app, db, ctx):
    stored = upload(TINY_PDF, "Werkinstructie.pdf", "application/pdf")
    db.session.commit()
    on_disk = stored_bytes(app, stored)
    assert on_disk == TINY_PDF
    assert stored.content_type == "application/pdf"
    assert stored.sha256 == hashlib.sha256(on_disk).hexdigest()
    assert stored.size == len(on_disk)
    assert stored.original_name == "Werkinstructie.pdf"
    assert "Werkinstructie" not in stored.stored_name


def test_upload_folder_is_not_inside_static(app, db, ctx):
    stored = upload(TINY_PDF, "a.pdf")
    static = pathlib.Path(app.static_folder).resolve()
    path = (pathlib.Path(app.config["UPLOAD_FOLDER"]) / stored.stored_name).resolve()
    assert static not in path.parents


def test_upload_folder_inside_static_is_refused(app_factory):
    application = app_factory()
    application.config["UPLOAD_FOLDER"] = str(pathlib.Path(application.static_folder) / "uploads")
    with application.test_request_context(), pytest.raises(RuntimeError):
        upload(TINY_PDF, "a.pdf")


def test_docx_built_with_zipfile_is_accepted(app, db, ctx):
    stored = upload(make_docx(), "Handboek.docx")
    assert stored.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert stored.original_name == "Handboek.docx"


def test_odt_is_recognised_by_its_mimetype_entry(app, db, ctx):
    stored = upload(make_odt(), "beleid.odt")
    assert stored.content_type == "application/vnd.oasis.opendocument.text"


@pytest.mark.parametrize("fmt, mime", [("JPEG", "image/jpeg"), ("WEBP", "image/webp")])
def test_photo_is_reencoded_without_exif_and_upright(app, db, ctx, fmt, mime):
    original = jpeg_with_gps(fmt)
    with Image.open(io.BytesIO(original)) as check:  # the test file really carries GPS
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    stored = upload(original, "photo.jpg", "image/jpeg")
    on_disk = stored_bytes(app, stored)
    assert stored.content_type == mime
    assert b"Exif" not in on_disk and b"PhoneMaker" not in on_disk
    with Image.open(io.BytesIO(on_disk)) as image:
        assert image.format == fmt
        assert not image.getexif()
        assert image.size == (20, 40)  # orientation 6 applied before the tag was dropped
    assert stored.sha256 == hashlib.sha256(on_disk).hexdigest()


def test_large_photo_is_scaled_down(app_factory):
    application = app_factory(UPLOAD_IMAGE_MAX_SIDE=50)
    with application.test_request_context():
        stored = upload(make_image("PNG", size=(200, 100)), "big.png")
        with Image.open(io.BytesIO(stored_bytes(application, stored))) as image:
            assert image.size == (50, 25)


def test_png_renamed_pdf_is_only_accepted_as_an_image(app, db, ctx):
    png = make_image("PNG")
    with pytest.raises(UploadRejected):
        upload(png, "scan.pdf", "application/pdf", allowed={"pdf"})
    stored = upload(png, "scan.pdf", "application/pdf", allowed={"pdf", "image"})
    assert stored.content_type == "image/png"
    assert stored.original_name == "scan.png"


def test_pdf_renamed_docx_is_refused_as_docx_and_accepted_as_pdf(app, db, ctx):
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    with pytest.raises(UploadRejected):
        upload(TINY_PDF, "report.docx", docx_type, allowed={"docx"})
    stored = upload(TINY_PDF, "report.docx", docx_type, allowed={"docx", "pdf"})
    assert stored.content_type == "application/pdf"
    assert stored.original_name == "report.pdf"


# --- refused files ----------------------------------------------------------------------------

@pytest.mark.parametrize("data, name, client_type", [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 200, "setup.exe", "application/pdf"),
    (bytes(range(256)) * 8, "data.pdf", "application/pdf"),
    (b"<html><body><script>alert(document.cookie)</script></body></html>", "cat.png", "image/png"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "logo.png", "image/png"),
], ids=["exe", "random-bytes", "html-as-png", "svg-as-png"])
def test_other_content_is_refused(app, db, ctx, data, name, client_type):
    with pytest.raises(UploadRejected) as caught:
        upload(data, name, client_type)
    assert "not accepted" in caught.value.message
    assert files_in(app) == [] and count_records(db) == 0


def test_macro_enabled_word_file_is_refused(app, db, ctx):
    docm = make_docx(DOCM_MAIN, {"word/vbaProject.bin": b"\0" * 64})
    with pytest.raises(UploadRejected):
        upload(docm, "macro.docx")


def test_zip_that_is_no_office_file_is_refused(app, db, ctx):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.exe", b"MZ")
    with pytest.raises(UploadRejected):
        upload(buffer.getvalue(), "x.docx")


def test_png_header_with_garbage_is_a_damaged_image(app, db, ctx):
    with pytest.raises(UploadRejected) as caught:
        upload(b"\x89PNG\r\n\x1a\n" + b"<html>not an image</html>" * 20, "x.png")
    assert "damaged" in caught.value.message


def test_decompression_bomb_is_refused_with_a_clear_message(app, db, ctx):
    with pytest.raises(UploadRejected) as caught:
        upload(png_header_only(30000, 30000), "bomb.png")
    assert "too many pixels" in caught.value.message
    assert files_in(app) == []


def test_configured_pixel_limit(app_factory):
    application = app_factory(UPLOAD_IMAGE_MAX_PIXELS=100)
    with application.test_request_context(), pytest.raises(UploadRejected):
        upload(make_image("PNG", size=(20, 20)), "x.png")


def test_oversize_file_is_refused(app, db, ctx):
    with pytest.raises(UploadRejected) as caught:
        upload(TINY_PDF + b"%" * 2000, "big.pdf", max_bytes=1000)
    assert "too large" in caught.value.message
    assert files_in(app) == [] and count_records(db) == 0


def test_request_cap_also_limits_the_service(app_factory):
    application = app_factory(MAX_CONTENT_LENGTH=500)
    with application.test_request_context(), pytest.raises(UploadRejected):
        upload(TINY_PDF + b"%" * 1000, "big.pdf", max_bytes=10_000)


def test_empty_and_missing_files_are_refused(app, db, ctx):
    with pytest.raises(UploadRejected):
        upload(b"", "empty.pdf")
    with pytest.raises(UploadRejected):
        services.store(None, allowed={"pdf"})
    with pytest.raises(UploadRejected):
        services.store(FileStorage(io.BytesIO(b""), filename=""), allowed={"pdf"})


def test_unknown_kind_is_a_programming_error(app, db, ctx):
    with pytest.raises(ValueError):
        upload(TINY_PDF, "a.pdf", allowed={"pdf", "exe"})


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\jan\\Rapport Q1.pdf", "Rapport Q1.pdf"),
    ('bad"name\r\n.pdf', "badname.pdf"),
    ("no-extension", "no-extension.pdf"),
    ("x" * 400 + ".pdf", "x" * 251 + ".pdf"),
], ids=["path", "windows-path", "control-chars", "no-extension", "overlong"])
def test_original_name_is_made_safe(name, expected):
    assert services.safe_original_name(name, "application/pdf") == expected


# --- files follow the transaction -------------------------------------------------------------

def test_commit_keeps_the_file(app, db, ctx):
    stored = upload(TINY_PDF, "a.pdf")
    db.session.commit()
    assert files_in(app) == [pathlib.Path(app.config["UPLOAD_FOLDER"]) / stored.stored_name]


def test_rollback_after_store_leaves_no_file(app, db, ctx):
    upload(TINY_PDF, "a.pdf")
    upload(make_image(), "b.png")
    assert len(files_in(app)) == 2
    db.session.rollback()
    assert files_in(app) == []
    assert count_records(db) == 0


def test_session_closed_without_commit_leaves_no_file(app, db, ctx):
    upload(TINY_PDF, "a.pdf")
    db.session.close()
    assert files_in(app) == []


def test_rolled_back_savepoint_removes_only_its_own_files(app, db, ctx):
    kept = upload(TINY_PDF, "kept.pdf")
    savepoint = db.session.begin_nested()
    upload(make_image(), "dropped.png")
    savepoint.rollback()
    committed_savepoint = db.session.begin_nested()
    also_kept = upload(make_odt(), "kept.odt")
    committed_savepoint.commit()
    db.session.commit()
    root = pathlib.Path(app.config["UPLOAD_FOLDER"])
    assert files_in(app) == sorted([root / kept.stored_name, root / also_kept.stored_name])
    assert count_records(db) == 2


def test_outer_rollback_removes_files_of_committed_savepoint(app, db, ctx):
    with db.session.begin_nested():
        upload(TINY_PDF, "a.pdf")
    db.session.rollback()
    assert files_in(app) == []


def test_failing_write_leaves_no_record_and_no_temp_file(app, db, ctx, monkeypatch):
    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(services.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        upload(TINY_PDF, "a.pdf")
    assert count_records(db) == 0
    assert not any(obj for obj in db.session.new if isinstance(obj, StoredFile))
    assert files_in(app) == []


def test_until_the_commit_the_file_has_only_a_temporary_name(app, db, ctx):
    """A process killed between writing the file and committing leaves no file under a final name."""
    stored = upload(TINY_PDF, "a.pdf")
    root = pathlib.Path(app.config["UPLOAD_FOLDER"])
    final = root / stored.stored_name
    assert files_in(app) == [services.temporary_path(final)] and not final.exists()
    assert services.path_of(stored) == services.temporary_path(final)  # readable within the transaction
    db.session.commit()
    assert files_in(app) == [final] and final.read_bytes() == TINY_PDF


def test_a_failed_rename_after_the_commit_is_finished_by_the_sweep(app, db, ctx, monkeypatch):
    real_replace = services.os.replace
    monkeypatch.setattr(services.os, "replace", lambda src, dst: (_ for _ in ()).throw(OSError("gone")))
    stored = upload(TINY_PDF, "a.pdf")
    db.session.commit()
    final = pathlib.Path(app.config["UPLOAD_FOLDER"]) / stored.stored_name
    assert not final.exists() and services.path_of(stored).read_bytes() == TINY_PDF  # still served
    monkeypatch.setattr(services.os, "replace", real_replace)
    result = services.sweep()
    assert (result.renamed, result.removed) == (1, 0) and files_in(app) == [final]


def test_the_sweep_removes_old_orphans_and_keeps_young_ones_and_every_owned_file(app, db, ctx):
    import os
    import time

    owned = [upload(TINY_PDF, "a.pdf"), upload(make_image(), "b.png")]
    db.session.commit()
    root = pathlib.Path(app.config["UPLOAD_FOLDER"])
    hour_ago = time.time() - 3601
    for stored in owned:  # owned files are kept however old
        os.utime(root / stored.stored_name, (hour_ago, hour_ago))
    old_orphan = root / "ab" / ("ab" + "1" * 30 + ".jpg")
    old_temp = services.temporary_path(root / "cd" / ("cd" + "2" * 30 + ".png"))
    young_orphan = root / "ef" / ("ef" + "3" * 30 + ".pdf")
    young_temp = services.temporary_path(root / "ef" / ("ef" + "4" * 30 + ".pdf"))
    elsewhere = root / "pso-imports" / ("5" * 32 + ".csv")  # not a stored file's folder: not the sweep's
    for path in (old_orphan, old_temp, young_orphan, young_temp, elsewhere):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    for path in (old_orphan, old_temp, elsewhere):
        os.utime(path, (hour_ago, hour_ago))
    result = services.sweep()
    assert (result.removed, result.renamed, result.kept) == (2, 0, 4)
    assert not old_orphan.exists() and not old_temp.exists()
    assert young_orphan.exists() and young_temp.exists() and elsewhere.exists()
    assert all((root / s.stored_name).read_bytes() for s in owned)
    assert services.sweep(now=time.time() + 3600).removed == 2  # the young ones, an hour later


def test_the_daily_run_and_its_own_command_sweep_the_upload_folder(app, db, ctx):
    import os
    import time

    root = pathlib.Path(app.config["UPLOAD_FOLDER"])
    orphans = [services.temporary_path(root / "ab" / ("ab" + str(n) * 30 + ".jpg")) for n in (1, 2)]
    runner = app.test_cli_runner()
    for orphan, command in zip(orphans, (["qms", "reminders"], ["qms", "uploads-sweep"])):
        orphan.parent.mkdir(parents=True, exist_ok=True)
        orphan.write_bytes(b"x")
        os.utime(orphan, (time.time() - 7200, time.time() - 7200))
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
        assert "1 orphan files removed" in result.output and not orphan.exists()


def test_a_store_is_audited(app, db, ctx):
    from qms.audit.models import AuditEntry

    stored = upload(TINY_PDF, "a.pdf")
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "stored_file",
                                                        AuditEntry.entity_id == str(stored.id))).one()
    assert entry.action == "create"
    assert stored.sha256 in entry.new_values


# --- the download route -----------------------------------------------------------------------

def stored_by(app, db, user, data=TINY_PDF, name="Rapport “Q1” é.pdf") -> StoredFile:
    """Store a file as ``user`` in a request of its own (its own ``g``, so the login does not leak)."""
    user_id = user.id
    db.session.rollback()  # end this session's transaction: on SQLite it would hold the write lock
    with app.app_context(), app.test_request_context():
        login_user(db.session.get(type(user), user_id))
        file_id = upload(data, name).id
        db.session.commit()
    return db.session.get(StoredFile, file_id)


def test_uploader_gets_the_file_as_an_attachment(app, db, client, login_as):
    user = login_as(Role.STAFF)
    stored = stored_by(app, db, user)
    response = client.get(f"/files/{stored.id}")
    assert response.status_code == 200
    assert response.data == TINY_PDF
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Rapport%20%E2%80%9CQ1%E2%80%9D%20%C3%A9.pdf" in disposition
    assert "\n" not in disposition and "\r" not in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]


def test_other_users_get_404_and_the_refusal_is_audited(app, db, client, make_user, login_as):
    from qms.audit.models import AuditEntry

    owner = make_user(Role.STAFF)
    stored = stored_by(app, db, owner)
    login_as(Role.COORDINATOR)
    response = client.get(f"/files/{stored.id}")
    assert response.status_code == 404
    assert TINY_PDF not in response.data
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access_refused")).first()


def test_admin_may_read_every_file(app, db, client, make_user, login_as):
    stored = stored_by(app, db, make_user(Role.STAFF))
    login_as(Role.ADMIN)
    assert client.get(f"/files/{stored.id}").status_code == 200


def test_a_feature_check_grants_access(app, db, client, make_user, login_as):
    stored = stored_by(app, db, make_user(Role.STAFF))
    reader = login_as(Role.AUDITOR)

    def auditors_read_everything(user, stored_file):
        return user.has_role(Role.AUDITOR)

    assert client.get(f"/files/{stored.id}").status_code == 404
    registry(app).add_upload_check(auditors_read_everything)
    assert reader.has_role(Role.AUDITOR)
    assert client.get(f"/files/{stored.id}").status_code == 200
    # The check belongs to this app only: another app in the same process does not know it.
    assert auditors_read_everything not in registry(create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")).upload_checks


@pytest.mark.parametrize("path", ["/files/999", "/files/0", "/files/99999999999999999999",
                                  "/files/abc", "/files/-1", "/files/1.5", "/files/%00"])
def test_unknown_or_malformed_ids_are_404(client, login_as, path):
    login_as(Role.ADMIN)
    assert client.get(path).status_code == 404


def test_anonymous_visitors_are_sent_to_login(app, db, client, make_user):
    stored = stored_by(app, db, make_user(Role.STAFF))
    response = client.get(f"/files/{stored.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_file_missing_on_disk_is_404_not_500(app, db, client, login_as):
    user = login_as(Role.STAFF)
    stored = stored_by(app, db, user)
    for path in files_in(app):
        path.unlink()
    assert client.get(f"/files/{stored.id}").status_code == 404


def test_a_restriction_keeps_a_file_from_everyone_without_its_permission(app, db, client, make_user, login_as):
    uploader = make_user(Role.HR)
    stored = stored_by(app, db, uploader)

    def special(stored_file):
        return "target_group.view" if stored_file.id == stored.id else None

    registry(app).add_upload_restriction(special)
    login_as(Role.ADMIN)
    assert client.get(f"/files/{stored.id}").status_code == 404
    client.post("/logout")
    client.post("/login", data={"email": uploader.email, "password": "correct horse battery"})
    assert client.get(f"/files/{stored.id}").status_code == 200  # the uploader holds the permission
