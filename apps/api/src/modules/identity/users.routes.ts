// /api/users and /api/teams: administration of the tenant's people.
import {
  ApiToken,
  CreateTeamBody,
  CreateUserBody,
  IdParams,
  Ok,
  ResetPasswordBody,
  Session,
  Team,
  UpdateTeamBody,
  UpdateUserBody,
  User,
  UserList,
  UserListQuery,
} from '@aftercare/contracts'
import { z } from 'zod'
import type { App } from '../../app.ts'
import { contextOf } from '../../platform/http/access.ts'
import { ifMatchVersion, setEtag } from '../../platform/http/concurrency.ts'
import type { UsersService } from './users.service.ts'

const tags = ['users']

export function userRoutes(users: UsersService) {
  return (app: App) => {
    app.get(
      '/users',
      { config: { access: { permission: 'users.read' } }, schema: { tags, querystring: UserListQuery, response: { 200: UserList } } },
      async (req) => users.list(contextOf(req), req.query),
    )
    app.post(
      '/users',
      { config: { access: { permission: 'users.manage' } }, schema: { tags, body: CreateUserBody, response: { 201: User } } },
      async (req, reply) => {
        const user = await users.create(contextOf(req), req.body)
        setEtag(reply, user.version)
        return reply.status(201).send(user)
      },
    )
    app.get(
      '/users/:id',
      { config: { access: { permission: 'users.read' } }, schema: { tags, params: IdParams, response: { 200: User } } },
      async (req, reply) => {
        const user = await users.get(contextOf(req), req.params.id)
        setEtag(reply, user.version)
        return user
      },
    )
    app.patch(
      '/users/:id',
      {
        config: { access: { permission: 'users.manage' } },
        schema: {
          tags,
          summary: 'Change a user; send If-Match with the ETag you read (412 when stale)',
          params: IdParams,
          body: UpdateUserBody,
          response: { 200: User },
        },
      },
      async (req, reply) => {
        const user = await users.update(contextOf(req), req.params.id, req.body, ifMatchVersion(req))
        setEtag(reply, user.version)
        return user
      },
    )
    app.post(
      '/users/:id/reset-password',
      {
        config: { access: { permission: 'users.manage' } },
        schema: { tags, params: IdParams, body: ResetPasswordBody, response: { 200: Ok } },
      },
      async (req) => users.resetPassword(contextOf(req), req.params.id, req.body.password),
    )
    app.post(
      '/users/:id/disable',
      {
        config: { access: { permission: 'users.manage' } },
        schema: { tags, summary: 'Disable; ends all sessions and tokens', params: IdParams, response: { 200: User } },
      },
      async (req, reply) => {
        const user = await users.disable(contextOf(req), req.params.id)
        setEtag(reply, user.version)
        return user
      },
    )
    app.post(
      '/users/:id/enable',
      { config: { access: { permission: 'users.manage' } }, schema: { tags, params: IdParams, response: { 200: User } } },
      async (req, reply) => {
        const user = await users.enable(contextOf(req), req.params.id)
        setEtag(reply, user.version)
        return user
      },
    )
    app.delete(
      '/users/:id/totp',
      {
        config: { access: { permission: 'users.manage' } },
        schema: { tags, summary: "Turn off a user's two-factor (lost device)", params: IdParams, response: { 200: Ok } },
      },
      async (req) => users.removeTotp(contextOf(req), req.params.id),
    )
    app.get(
      '/users/:id/sessions',
      { config: { access: { permission: 'users.manage' } }, schema: { tags, params: IdParams, response: { 200: z.array(Session) } } },
      async (req) => users.listSessions(contextOf(req), req.params.id),
    )
    app.delete(
      '/users/:id/sessions',
      {
        config: { access: { permission: 'users.manage' } },
        schema: {
          tags,
          summary: 'Sign the user out everywhere',
          params: IdParams,
          response: { 200: z.object({ revoked: z.number().int() }) },
        },
      },
      async (req) => users.revokeSessions(contextOf(req), req.params.id),
    )
    app.get(
      '/users/:id/tokens',
      { config: { access: { permission: 'users.manage' } }, schema: { tags, params: IdParams, response: { 200: z.array(ApiToken) } } },
      async (req) => users.listTokens(contextOf(req), req.params.id),
    )
    app.delete(
      '/users/:id/tokens/:tokenId',
      {
        config: { access: { permission: 'users.manage' } },
        schema: { tags, params: z.object({ id: z.uuid(), tokenId: z.uuid() }), response: { 200: Ok } },
      },
      async (req) => users.revokeToken(contextOf(req), req.params.id, req.params.tokenId),
    )

    app.get(
      '/teams',
      { config: { access: { permission: 'users.read' } }, schema: { tags: ['teams'], response: { 200: z.array(Team) } } },
      async (req) => users.listTeams(contextOf(req)),
    )
    app.post(
      '/teams',
      { config: { access: { permission: 'teams.manage' } }, schema: { tags: ['teams'], body: CreateTeamBody, response: { 201: Team } } },
      async (req, reply) => reply.status(201).send(await users.createTeam(contextOf(req), req.body)),
    )
    app.patch(
      '/teams/:id',
      {
        config: { access: { permission: 'teams.manage' } },
        schema: { tags: ['teams'], params: IdParams, body: UpdateTeamBody, response: { 200: Team } },
      },
      async (req) => users.updateTeam(contextOf(req), req.params.id, req.body),
    )
    app.delete(
      '/teams/:id',
      { config: { access: { permission: 'teams.manage' } }, schema: { tags: ['teams'], params: IdParams, response: { 200: Ok } } },
      async (req) => users.deleteTeam(contextOf(req), req.params.id),
    )
  }
}
