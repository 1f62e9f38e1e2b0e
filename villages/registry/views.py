import io
import re
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import registry, roles
from ..models import ImportLog
from .forms import RegistryUploadForm

admin_required = roles.role_required(roles.ADMIN)


# Uploaded files wait here between the preview and the confirmation, one directory per
# upload named by a random token that is also kept in the uploader's session.
UPLOAD_DIR = "registry_uploads"
UPLOAD_MAX_AGE = 24 * 3600  # seconds; older abandoned uploads are removed
SESSION_KEY = "registry_uploads"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _upload_root():
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR


def _forget_old_uploads(request):
    root = _upload_root()
    for token in request.session.pop(SESSION_KEY, {}):
        shutil.rmtree(root / token, ignore_errors=True)
    if root.is_dir():
        cutoff = time.time() - UPLOAD_MAX_AGE
        for directory in root.iterdir():
            if directory.is_dir() and directory.stat().st_mtime < cutoff:
                shutil.rmtree(directory, ignore_errors=True)


def _sources(token, names):
    directory = _upload_root() / token
    return [(name, directory / name) for name in names]


def _sheet_titles():
    """The titles of every sheet the engine loads, in load order, for the page's intro."""
    return _("、").join(str(spec.title) for spec in registry.specs())


@admin_required
def registry_import(request):
    """Upload → dry-run preview (per sheet: create / update / unchanged, every problem)."""
    report = token = None
    if request.method == "POST":
        form = RegistryUploadForm(request.POST, request.FILES)
        if form.is_valid():
            _forget_old_uploads(request)
            token = secrets.token_urlsafe(24)
            directory = _upload_root() / token
            directory.mkdir(parents=True)
            names = []
            for upload in form.cleaned_data["files"]:
                with open(directory / upload.safe_name, "wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                names.append(upload.safe_name)
            try:
                report = registry.load(_sources(token, names), user=request.user, write=False)
            finally:
                if report is None or not report.ok:  # a refused upload leaves nothing on disk
                    shutil.rmtree(directory, ignore_errors=True)
            if report.ok:
                request.session[SESSION_KEY] = {token: names}
            else:
                registry.log(report, user=request.user, source="upload")
                token = None
    else:
        form = RegistryUploadForm()
    return render(
        request,
        "villages/registry_import.html",
        {
            "form": form,
            "report": report,
            "token": token,
            "max_mb": registry.MAX_FILE_BYTES // (1024 * 1024),
            "max_rows": registry.MAX_ROWS,
            "sheet_titles": _sheet_titles(),
        },
        status=400 if report is not None and not report.ok else 200,
    )


@admin_required
@require_POST
def registry_import_confirm(request):
    """Write the previewed upload, all or nothing, and keep it in the import log."""
    token = request.POST.get("token", "")
    pending = request.session.get(SESSION_KEY, {})
    if not TOKEN_RE.match(token) or token not in pending:
        messages.error(request, _("没有待确认的导入，或已过期，请重新上传。"))
        return redirect("villages:registry_import")
    names = pending[token]
    try:
        report = registry.load(_sources(token, names), user=request.user, write=True)
    finally:
        request.session.pop(SESSION_KEY, None)
        shutil.rmtree(_upload_root() / token, ignore_errors=True)
    registry.log(report, user=request.user, source="upload")
    if report.written:
        messages.success(request, _("导入完成：%(files)s。") % {"files": "、".join(names)})
        return redirect("villages:import_log")
    form = RegistryUploadForm()
    return render(
        request,
        "villages/registry_import.html",
        {
            "form": form,
            "report": report,
            "token": None,
            "max_mb": registry.MAX_FILE_BYTES // (1024 * 1024),
            "max_rows": registry.MAX_ROWS,
            "sheet_titles": _sheet_titles(),
        },
        status=400,
    )


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_FILENAME = "赤水三定登记表模板.xlsx"


@admin_required
@require_safe
def registry_template(request):
    """The empty workbook (every sheet and header, as ``import_registry --template``
    writes it), for admins to fill in and upload."""
    buffer = io.BytesIO()
    registry.write_template(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=TEMPLATE_FILENAME, content_type=XLSX_TYPE)


@admin_required
def import_log(request):
    """Every registry load: who, when, which files, counts, problems."""
    paginator = Paginator(ImportLog.objects.select_related("user"), 25)
    page = paginator.get_page(request.GET.get("page"))
    titles = {spec.key: spec.title for spec in registry.specs()}
    for entry in page:
        entry.count_rows = [
            {"title": titles.get(kind, kind), **numbers} for kind, numbers in (entry.counts or {}).items()
        ]
    return render(request, "villages/import_log.html", {"page": page})
