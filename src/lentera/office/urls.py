from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "office"
urlpatterns = [
    path("", views.my_work, name="my-work"),
    path("masuk/", auth_views.LoginView.as_view(template_name="office/login.html"), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("informasi/baru/", views.item_create, name="item-create"),
    path("informasi/<int:pk>/", views.item_detail, name="item"),
    path("informasi/<int:pk>/ubah/", views.item_edit, name="item-edit"),
    path("informasi/<int:pk>/selesai/", views.item_complete, name="item-complete"),
    path("informasi/<int:pk>/kembalikan/", views.item_return, name="item-return"),
    path("informasi/<int:pk>/unggah/", views.item_upload, name="item-upload"),
    path("berkas/<int:version_id>/", views.download, name="download"),
]
