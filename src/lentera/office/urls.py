from django.contrib.auth import views as auth_views
from django.urls import path

from . import (
    actions,
    views,
    views_calendar,
    views_dashboard,
    views_editions,
    views_hardcopy,
    views_notifications,
    views_retention,
)

app_name = "office"
urlpatterns = [
    path("", views.my_work, name="my-work"),
    path("masuk/", auth_views.LoginView.as_view(template_name="office/login.html"), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("informasi/baru/", views.item_create, name="item-create"),
    path("informasi/<id:pk>/", views.item_detail, name="item"),
    path("informasi/<id:pk>/ubah/", views.item_edit, name="item-edit"),
    path("informasi/<id:pk>/riwayat/", views.item_history, name="item-history"),
    path("informasi/<id:pk>/klasifikasi/", views.item_classify, name="item-classify"),
    path("informasi/<id:pk>/selesai/", actions.item_complete, name="item-complete"),
    path("informasi/<id:pk>/kembalikan/", actions.item_return, name="item-return"),
    path("informasi/<id:pk>/ajukan/", actions.item_submit, name="item-submit"),
    path("informasi/<id:pk>/tarik/", actions.item_withdraw, name="item-withdraw"),
    path("informasi/<id:pk>/perbarui/", actions.item_reopen, name="item-reopen"),
    path("informasi/<id:pk>/unggah/", actions.item_upload, name="item-upload"),
    path(
        "informasi/<id:pk>/berkas/<id:document_id>/hapus/",
        actions.document_delete,
        name="document-delete",
    ),
    path(
        "informasi/<id:pk>/berkas/<id:document_id>/musnahkan/",
        actions.document_dispose,
        name="document-dispose",
    ),
    path("informasi/<id:pk>/arsip-fisik/", actions.item_hardcopy, name="item-hardcopy"),
    path("informasi/<id:pk>/retensi/", views_retention.item_retention, name="item-retention"),
    path("retensi/", views_retention.retention_list, name="retention"),
    path("retensi/<id:pk>/usul/", views_retention.retention_propose, name="retention-propose"),
    path("retensi/keputusan/<id:pk>/", views_retention.retention_decide, name="retention-decide"),
    path("kalender/", views_calendar.calendar, name="calendar"),
    path("dasbor/", views_dashboard.dashboard, name="dashboard"),
    path("arsip-fisik/", views_hardcopy.hardcopies_out, name="hardcopies-out"),
    path(
        "arsip-fisik/<id:hardcopy_id>/label/",
        views_hardcopy.hardcopy_label,
        name="hardcopy-label",
    ),
    path(
        "arsip-fisik/<id:hardcopy_id>/pinjam/",
        views_hardcopy.hardcopy_take_out,
        name="hardcopy-take-out",
    ),
    path(
        "arsip-fisik/<id:hardcopy_id>/kembali/",
        views_hardcopy.hardcopy_bring_back,
        name="hardcopy-bring-back",
    ),
    path(
        "arsip-fisik/<id:hardcopy_id>/pindah/",
        views_hardcopy.hardcopy_edit,
        name="hardcopy-edit",
    ),
    path("penetapan-dip/baru/", views_editions.edition_new, name="edition-new"),
    path("pemberitahuan/", views_notifications.notification_list, name="notifications"),
    path(
        "pemberitahuan/<id:pk>/",
        views_notifications.notification_open,
        name="notification-open",
    ),
    path("berkas/<id:version_id>/", views.download, name="download"),
    path("berkas/<id:version_id>/pratinjau/", views.thumbnail, name="thumbnail"),
]
