from gateway import docgen


def test_every_format_with_a_field_table_has_a_page() -> None:
    for format_id in docgen.field_tables():
        page = docgen.ROOT / "docs" / "formats" / f"{format_id}.md"
        assert "| canonical |" in page.read_text("utf-8")
