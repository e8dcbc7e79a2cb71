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
    path("informasi/<int:pk>/", views.item_detail, name="item"),
    path("informasi/<int:pk>/ubah/", views.item_edit, name="item-edit"),
    path("informasi/<int:pk>/riwayat/", views.item_history, name="item-history"),
    path("informasi/<int:pk>/klasifikasi/", views.item_classify, name="item-classify"),
    path("informasi/<int:pk>/selesai/", actions.item_complete, name="item-complete"),
    path("informasi/<int:pk>/kembalikan/", actions.item_return, name="item-return"),
    path("informasi/<int:pk>/ajukan/", actions.item_submit, name="item-submit"),
    path("informasi/<int:pk>/tarik/", actions.item_withdraw, name="item-withdraw"),
    path("informasi/<int:pk>/perbarui/", actions.item_reopen, name="item-reopen"),
    path("informasi/<int:pk>/unggah/", actions.item_upload, name="item-upload"),
    path(
        "informasi/<int:pk>/berkas/<int:document_id>/hapus/",
        actions.document_delete,
        name="document-delete",
    ),
    path(
        "informasi/<int:pk>/berkas/<int:document_id>/musnahkan/",
        actions.document_dispose,
        name="document-dispose",
    ),
    path("informasi/<int:pk>/arsip-fisik/", actions.item_hardcopy, name="item-hardcopy"),
    path("informasi/<int:pk>/retensi/", views_retention.item_retention, name="item-retention"),
    path("retensi/", views_retention.retention_list, name="retention"),
    path("retensi/<int:pk>/usul/", views_retention.retention_propose, name="retention-propose"),
    path("retensi/keputusan/<int:pk>/", views_retention.retention_decide, name="retention-decide"),
    path("kalender/", views_calendar.calendar, name="calendar"),
    path("dasbor/", views_dashboard.dashboard, name="dashboard"),
    path("arsip-fisik/", views_hardcopy.hardcopies_out, name="hardcopies-out"),
    path(
        "arsip-fisik/<int:hardcopy_id>/label/",
        views_hardcopy.hardcopy_label,
        name="hardcopy-label",
    ),
    path(
        "arsip-fisik/<int:hardcopy_id>/pinjam/",
        views_hardcopy.hardcopy_take_out,
        name="hardcopy-take-out",
    ),
    path(
        "arsip-fisik/<int:hardcopy_id>/kembali/",
        views_hardcopy.hardcopy_bring_back,
        name="hardcopy-bring-back",
    ),
    path(
        "arsip-fisik/<int:hardcopy_id>/pindah/",
        views_hardcopy.hardcopy_edit,
        name="hardcopy-edit",
    ),
    path("penetapan-dip/baru/", views_editions.edition_new, name="edition-new"),
    path("pemberitahuan/", views_notifications.notification_list, name="notifications"),
    path(
        "pemberitahuan/<int:pk>/",
        views_notifications.notification_open,
        name="notification-open",
    ),
    path("berkas/<int:version_id>/", views.download, name="download"),
    path("berkas/<int:version_id>/pratinjau/", views.thumbnail, name="thumbnail"),
]
