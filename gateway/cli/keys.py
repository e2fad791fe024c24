"""``fpgw keys``: generate, show and export signing keys."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from gateway.core.i18n import _
from gateway.core.errors import GatewayError

from .output import InputFile, echo_json, fail, read_input, snake_keys, write_output

ALGORITHMS = ["ed25519", "es256"]


def passphrase_from_env(var: str | None) -> bytes | None:
    """The passphrase is read from an environment variable, never from the command line."""
    if var is None:
        return None
    value = os.environ.get(var)
    if value is None:
        raise click.UsageError(_("environment variable {var} is not set").format(var=var))
    return value.encode("utf-8")


def load_any_key(path: str, passphrase_env: str | None, as_json: bool = False):
    """A private key (PKCS#8 PEM) or, failing that, a public key (PEM, Multikey, JWK).

    A key that cannot be read is reported against its file and ends the command (exit 1),
    so no caller blames the document it was about to sign or verify.
    """
    from signing import load_key

    data = read_input(path)
    passphrase = passphrase_from_env(passphrase_env)
    try:
        return load_key(data, passphrase)
    except GatewayError as exc:
        fail(exc, as_json, source=path)


def describe(public) -> dict[str, object]:
    return {
        "algorithm": public.algorithm.label,
        "cryptosuite": public.algorithm.cryptosuite,
        "publicKeyMultibase": public.multikey,
        "didKey": public.did_key,
        "publicKeyJwk": public.jwk,
        "fingerprint": public.fingerprint,
    }


@click.group()
def keys() -> None:
    """Generate, show and export signing keys (Ed25519 default, ECDSA P-256 for XML)."""


@keys.command()
@click.option("--alg", type=click.Choice(ALGORITHMS), default="ed25519", show_default=True)
@click.option("-o", "--output", metavar="KEY.pem", required=True, help="Where to write the PKCS#8 private key.")
@click.option("--passphrase-env", metavar="VAR", help="Encrypt the key with the passphrase in this environment variable.")
@click.option("--json", "as_json", is_flag=True)
def generate(alg: str, output: str, passphrase_env: str | None, as_json: bool) -> None:
    """Generate a key pair; write the private key, print the public key."""
    from signing import generate_key

    key = generate_key(alg)
    target = Path(output)
    if target.exists():
        raise click.UsageError(_("{output} exists; refusing to overwrite a key").format(output=output))
    target.touch(mode=0o600)
    target.write_bytes(key.to_pem(passphrase_from_env(passphrase_env)))
    info = describe(key.public_key)
    if as_json:
        echo_json(info)
    else:
        click.echo(_("{algorithm} key written to {output}\n{multikey}").format(algorithm=info["algorithm"], output=output, multikey=info['publicKeyMultibase']))


@keys.command()
@click.argument("key_file", type=InputFile())
@click.option("--passphrase-env", metavar="VAR")
@click.option("--json", "as_json", is_flag=True)
def show(key_file: str, passphrase_env: str | None, as_json: bool) -> None:
    """Show a key's algorithm, Multikey, did:key, JWK and fingerprint."""
    key = load_any_key(key_file, passphrase_env, as_json)
    public = getattr(key, "public_key", key)
    info = describe(public)
    if as_json:
        echo_json(info)
    else:
        for name, value in snake_keys(info).items():
            click.echo(f"{name:20} {json.dumps(value) if isinstance(value, dict) else value}")


@keys.command()
@click.argument("key_file", type=InputFile())
@click.option("--as", "form", type=click.Choice(["multikey", "jwk", "pem", "did"]), default="multikey", show_default=True)
@click.option("--passphrase-env", metavar="VAR")
@click.option("-o", "--output", default="-", show_default=True)
def export(key_file: str, form: str, passphrase_env: str | None, output: str) -> None:
    """Export the public key (never the private one)."""
    key = load_any_key(key_file, passphrase_env)
    public = getattr(key, "public_key", key)
    text = {
        "multikey": lambda: public.multikey + "\n",
        "jwk": lambda: json.dumps(public.jwk) + "\n",
        "pem": lambda: public.to_pem().decode("ascii"),
        "did": lambda: public.did_key + "\n",
    }[form]()
    write_output(output, text.encode("utf-8"))
