"""The WordPress eXtended RSS (WXR) vocabulary, shared by the importer and the exporter."""

# WordPress has written both forms of its namespaces; the importer accepts either.
WP_NAMESPACES = (
    "http://wordpress.org/export/1.2/",
    "https://wordpress.org/export/1.2/",
    "http://wordpress.org/export/1.1/",
    "https://wordpress.org/export/1.1/",
    "http://wordpress.org/export/1.0/",
)
EXCERPT_NAMESPACES = (
    "http://wordpress.org/export/1.2/excerpt/",
    "https://wordpress.org/export/1.2/excerpt/",
    "http://wordpress.org/export/1.1/excerpt/",
    "https://wordpress.org/export/1.1/excerpt/",
    "http://wordpress.org/export/1.0/excerpt/",
)
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
WFW = "http://wellformedweb.org/CommentAPI/"

# What the exporter writes: the current version, in the form WordPress writes today.
WXR_VERSION = "1.2"
WP = "http://wordpress.org/export/1.2/"
EXCERPT = "http://wordpress.org/export/1.2/excerpt/"

# What WordPress has no field for travels as meta, which WordPress keeps as it is.
# A post's body is this site's HTML, to take as it is (no paragraphs added, no shortcodes).
BODY_FORMAT_META = "_blog_body_format"
# Related media, a JSON list of {"url", "title", "credit", "caption"} in their order.
RELATED_MEDIA_META = "_blog_related_media"
# The discussion as it was: {"closed", "closed_at", "close_reason", "keep_open", "closes_at",
# "inactive_days", "last_active_at"}; wp:comment_status says only whether readers may comment.
DISCUSSION_META = "_blog_discussion"
# A comment's status where WordPress has none (rejected: exported as trash).
COMMENT_STATUS_META = "_blog_comment_status"
# A comment's moderation flags, a JSON list of the names below.
COMMENT_FLAGS_META = "_blog_comment_flags"
COMMENT_FLAGS = ("replies_hidden", "replies_locked", "by_staff")

# WordPress's own meta: a post's featured image (the id of an attachment item of the file),
# and an image attachment's alternative text.
FEATURED_IMAGE_META = "_thumbnail_id"
IMAGE_ALT_META = "_wp_attachment_image_alt"
