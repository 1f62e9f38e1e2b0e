"""Evidence photos (Pillow). Phone photos are often larger than a report needs, and a rural
connection has already paid for the upload: a photo up to ``Evidence.MAX_IMAGE_BYTES`` is
taken, and one larger than the pages need (longest side over ``MAX_SIDE`` pixels, or over
``Evidence.MAX_BYTES``) is downscaled and stored as a JPEG, turned upright by its EXIF
orientation first. A file that Pillow cannot read is not a photo and is refused."""

from io import BytesIO
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from accountability.models import Evidence

MAX_SIDE = 2560  # pixels, the longest side of a stored photo
QUALITY = 85  # JPEG quality of a downscaled photo
# A picture with more pixels is refused before it is decoded (memory): 50 million is a
# 50-megapixel phone photo (8160 × 6120).
MAX_PIXELS = 50_000_000


class PhotoError(ValueError):
    """The upload is not a readable photo, or too large to be made one."""


def fit_photo(upload):
    """The photo to store for ``upload`` (a JPEG or PNG whose extension and signature were
    checked): ``upload`` itself when it is within ``MAX_SIDE`` and ``Evidence.MAX_BYTES``,
    else a downscaled JPEG (a ``ContentFile`` named ``<name>.jpg``). Raises ``PhotoError``."""
    name = upload.name or ""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise PhotoError(
                    _("照片“%(name)s”的像素过多（%(width)s×%(height)s），请用手机相册缩小后再上传。")
                    % {"name": name, "width": width, "height": height}
                )
            if max(width, height) <= MAX_SIDE and upload.size <= Evidence.MAX_BYTES:
                image.load()  # decodes it: a broken or truncated file is refused here
                upload.seek(0)
                return upload
            photo = downscale(image)
    except PhotoError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        # UnidentifiedImageError is an OSError; truncated data and bad headers raise these
        raise PhotoError(
            _("文件“%(name)s”无法作为图片打开，可能已损坏，请重新拍摄或选择。") % {"name": name}
        ) from None
    if len(photo) > Evidence.MAX_BYTES:
        raise PhotoError(
            _("照片“%(name)s”缩小后仍超过 %(mb)s MB，请用手机相册缩小后再上传。")
            % {"name": name, "mb": Evidence.MAX_BYTES // (1024 * 1024)}
        )
    return ContentFile(photo, name=f"{PurePath(name).stem}.jpg")


def downscale(image):
    """``image`` upright (EXIF orientation), its longest side at most ``MAX_SIDE``, as JPEG
    bytes of quality ``QUALITY``."""
    if image.format == "JPEG":
        # let the JPEG decoder scale down by 1/2, 1/4 or 1/8 while decoding: a fraction of
        # the memory and time of decoding every pixel of a large photo
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, (255, 255, 255))  # transparency on white
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    out = BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()
