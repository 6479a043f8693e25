from __future__ import annotations

import ipaddress

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.audit import services as audit
from zhenxing.lib.forms import service_errors_to_form

from . import lockout, scope, selectors, services
from .access import public_view, staff_view
from .forms import LoginForm, PasswordChangeForm, UserCreateForm
from .models import User


class ZxLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


login_view = public_view(ZxLoginView.as_view())


@public_view
@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.event_log(action="logout", actor=request.user, request=request)
    logout(request)
    messages.info(request, "您已安全退出。")
    response = redirect("accounts:login")
    # The browser wipes what the site kept on it (the field app's encrypted IndexedDB store, its
    # Cache Storage and service worker), whichever page the user logged out from (docs/field.md).
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@staff_view()
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=request.user, new_password=form.cleaned_data["new_password1"], request=request
            )
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error("new_password1", msg)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


@staff_view(page="accounts.users")
def user_list(request):
    users = scope.scoped(request.user, User).select_related("region").order_by("region__path", "username")
    account_locks, address_locks = selectors.login_locks(user=request.user)
    return render(
        request,
        "accounts/user_list.html",
        {
            "users": users,
            "account_locks": account_locks,
            "address_locks": address_locks,
            "locked_ids": {a.user.pk for a in account_locks},
        },
    )


@staff_view(page="accounts.users")
def user_create(request):
    form = UserCreateForm(request.POST or None, regions=scope.regions(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                region=data["region"],
                role=data["role"],
                full_name=data["full_name"],
                department=data["department"],
                unit=data["unit"],
                phone=data["phone"],
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, f"账户 {data['username']} 已创建，首次登录须修改密码。")
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form})


@staff_view(model=User, page="accounts.users")
def user_unlock(request, user):
    """GET asks for confirmation, POST lifts the account's login lock."""
    if request.method == "POST":
        services.login_lock_lift(actor=request.user, username=user.username, request=request)
        messages.success(request, f"账户 {user.username} 的登录锁定已解除。")
        return redirect("accounts:user_list")
    return render(
        request,
        "accounts/lock_lift_confirm.html",
        {"target": f"账户 {user.username}（{user}）", "lock": lockout.account_lock(user.username)},
    )


@staff_view(page="accounts.users")
def address_unlock(request):
    """GET ?ip= asks for confirmation, POST ip= lifts the address's login throttle."""
    ip = (request.POST if request.method == "POST" else request.GET).get("ip", "").strip()
    if request.method == "POST":
        try:
            services.login_lock_lift(actor=request.user, ip=ip, request=request)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"地址 {ip} 的登录限制已解除。")
        return redirect("accounts:user_list")
    try:
        ip = str(ipaddress.ip_address(ip))
    except ValueError:
        return redirect("accounts:user_list")
    return render(
        request, "accounts/lock_lift_confirm.html", {"target": f"地址 {ip}", "ip": ip, "lock": lockout.address_lock(ip)}
    )


@staff_view(model=User, page="accounts.users")
@require_POST
def user_toggle_active(request, user):
    services.user_set_active(actor=request.user, user=user, active=not user.is_active)
    messages.success(request, f"账户 {user.username} 已{'启用' if user.is_active else '停用'}。")
    return redirect("accounts:user_list")
