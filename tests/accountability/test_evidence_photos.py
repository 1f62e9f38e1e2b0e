"""Evidence photos (accountability/tasks/photos.py): a photo up to 20 MB is taken; one larger
than the pages need (longest side over 2560 pixels, or over 5 MB) is downscaled to a JPEG of
quality 85, upright by its EXIF orientation; a small one is stored as it came; a file that
is no readable picture is refused and nothing is written. Real pictures, made here."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accountability.models import Evidence, ProgressReport
from accountability.tasks import photos
from tests.accountability.tasks_factories import JPEG, freeze_today, image_bytes, make_task

pytestmark = pytest.mark.django_db

RED, BLUE = (220, 20, 20), (20, 20, 220)


@pytest.fixture
def fixed_today(monkeypatch, today):
    return freeze_today(monkeypatch, today)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def task(secretary_a, village_a, fixed_today):
    return make_task(secretary_a, "T-PHOTO", village=village_a, target=200)


def post(client, task, *files):
    data = {"week": "2016-W23", "version": 0, "value": "50", "note": "现场照片", "evidence": list(files)}
    return client.post(reverse("accountability:task_detail", args=[task.pk]), data)


def stored(evidence):
    with evidence.file.open("rb") as handle:
        data = handle.read()
    return data, Image.open(io.BytesIO(data))


def halves(size, exif_orientation=None):
    """A JPEG, red on the left half and blue on the right, with an EXIF orientation."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    exif = Image.Exif()
    if exif_orientation:
        exif[0x0112] = exif_orientation
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def noise_jpeg(side):
    """A JPEG of random pixels: large in bytes for its size in pixels, like a sharp photo."""
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=100)
    return out.getvalue()


def test_a_large_photo_is_downscaled_to_2560_pixels(client, secretary_a, task, media):
    client.force_login(secretary_a)
    response = post(client, task, SimpleUploadedFile("路面.jpg", halves((4000, 3000))))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    data, image = stored(evidence)
    assert image.format == "JPEG" and image.size == (2560, 1920)
    assert evidence.name == "路面.jpg" and evidence.size == len(data)
    assert image.getpixel((10, 960))[0] > 180 and image.getpixel((2550, 960))[2] > 180


def test_a_photo_over_5_mb_is_reencoded_even_within_2560_pixels(client, secretary_a, task, media):
    content = noise_jpeg(2000)
    assert Evidence.MAX_BYTES < len(content) <= Evidence.MAX_IMAGE_BYTES
    client.force_login(secretary_a)
    assert post(client, task, SimpleUploadedFile("细节.jpg", content)).status_code == 302
    evidence = Evidence.objects.get()
    data, image = stored(evidence)
    assert image.size == (2000, 2000)
    assert len(data) == evidence.size <= Evidence.MAX_BYTES


def test_downscaling_keeps_the_photo_upright_by_its_exif_orientation(client, secretary_a, task, media):
    # taken holding the phone upright: stored sideways, with orientation 6 (turn 90° clockwise)
    client.force_login(secretary_a)
    assert post(client, task, SimpleUploadedFile("竖拍.jpg", halves((3200, 1600), 6))).status_code == 302
    _, image = stored(Evidence.objects.get())
    assert image.size == (1280, 2560)  # upright now, longest side 2560
    assert image.getexif().get(0x0112) in (None, 1)
    # the red left half of the sensor image is the top of the upright photo
    assert image.getpixel((640, 20))[0] > 180 and image.getpixel((640, 2540))[2] > 180


def test_a_large_png_becomes_a_jpeg_on_white(client, secretary_a, task, media):
    picture = Image.new("RGBA", (3000, 600), (0, 0, 0, 0))
    picture.paste((20, 20, 220, 255), (0, 0, 1500, 600))
    out = io.BytesIO()
    picture.save(out, "PNG")
    client.force_login(secretary_a)
    assert post(client, task, SimpleUploadedFile("截图.png", out.getvalue())).status_code == 302
    evidence = Evidence.objects.get()
    _, image = stored(evidence)
    assert evidence.name == "截图.jpg" and evidence.file.name.endswith(".jpg")
    assert image.format == "JPEG" and image.size == (2560, 512)
    assert image.getpixel((2500, 256)) == pytest.approx((255, 255, 255), abs=3)  # transparent → white


def test_a_small_photo_is_stored_as_it_came(client, secretary_a, task, media):
    content = halves((1200, 900), 6)
    client.force_login(secretary_a)
    assert post(client, task, SimpleUploadedFile("小图.jpg", content)).status_code == 302
    data, image = stored(Evidence.objects.get())
    assert data == content and image.getexif()[0x0112] == 6  # the browser turns it by its EXIF


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("truncated.jpg", halves((3000, 2000))[:4000]),
        ("header-only.png", image_bytes("PNG", (4000, 10))[:40]),
    ],
)
def test_a_photo_that_cannot_be_read_is_refused_and_nothing_written(
    client, secretary_a, task, media, name, content
):
    client.force_login(secretary_a)
    response = post(client, task, SimpleUploadedFile("ok.jpg", JPEG), SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert f"文件“{name}”无法作为图片打开" in response.content.decode()
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_a_picture_with_too_many_pixels_is_refused_before_decoding(
    client, secretary_a, task, media, monkeypatch
):
    monkeypatch.setattr(photos, "MAX_PIXELS", 100 * 100)
    client.force_login(secretary_a)
    response = post(client, task, SimpleUploadedFile("巨图.png", image_bytes("PNG", (101, 100))))
    assert response.status_code == 400
    assert "像素过多（101×100）" in response.content.decode()
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()


def test_the_form_tells_the_limits_and_gives_them_to_the_browser(client, secretary_a, task):
    client.force_login(secretary_a)
    page = client.get(reverse("accountability:task_detail", args=[task.pk])).content.decode()
    assert "每张不超过 20 MB，长边超过 2560 像素的照片会自动缩小" in page
    assert "PDF 每个不超过 5 MB" in page
    assert f'data-max-image-bytes="{Evidence.MAX_IMAGE_BYTES}"' in page
    assert f'data-max-bytes="{Evidence.MAX_BYTES}"' in page
    assert 'data-type-message="文件“%(name)s”的类型不允许' in page


def test_more_than_ten_files_are_refused_without_opening_any(client, secretary_a, task, media, monkeypatch):
    def never(upload):
        raise AssertionError("a photo was opened")

    monkeypatch.setattr(photos, "fit_photo", never)
    client.force_login(secretary_a)
    response = post(client, task, *[SimpleUploadedFile(f"{n}.jpg", JPEG) for n in range(11)])
    assert response.status_code == 400
    assert "一次最多上传 10 个文件。" in response.content.decode()
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
