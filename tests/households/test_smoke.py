def test_login_page_renders(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Log in to Hearth" in response.content


def test_home_for_member(member_client, household):
    response = member_client.get("/")
    assert response.status_code == 200
    assert household.name.encode() in response.content
