"""Certificates of attendance: who earns one (`rules`), the PDF (`pdf`), and the stored
side (`service`): the certificate of a registration, its verification page's answer, and
the attachment the thank-you mail carries."""

from webinar.certificates.service import (
    Certificate,
    certificate_attachment,
    certificate_for,
    verify,
)

__all__ = ["Certificate", "certificate_attachment", "certificate_for", "verify"]
