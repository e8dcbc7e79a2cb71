from django.contrib.auth import views as auth_views
from django.urls import path

from . import actions, views

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
    path("informasi/<int:pk>/tarik/", actions.item_withdraw, name="item-withdraw"),
    path("informasi/<int:pk>/perbarui/", actions.item_reopen, name="item-reopen"),
    path("informasi/<int:pk>/unggah/", actions.item_upload, name="item-upload"),
    path("informasi/<int:pk>/arsip-fisik/", actions.item_hardcopy, name="item-hardcopy"),
    path("berkas/<int:version_id>/", views.download, name="download"),
]
