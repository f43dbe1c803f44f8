from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_new, name="new"),
    path("inbox/", views.inbox_list, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_detail, name="inbox-detail"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("replies/<int:pk>/file/", views.reply_file_download, name="reply-file"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/edit/", views.notice_edit, name="edit"),
    path("<int:pk>/publish/", views.notice_publish, name="publish"),
    path("<int:pk>/withdraw/", views.notice_withdraw, name="withdraw"),
    path("<int:pk>/remind/", views.notice_remind, name="remind"),
    path("<int:pk>/receipts.xlsx", views.notice_receipts_export, name="receipts-export"),
]
